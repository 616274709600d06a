// soak-observer: what a person using the app sees of the chat during the soak test (soak.sh).
// A Session (the app's wiring of PresenceClient, Rooms and their MessageModels) joins rooms and
// prints one JSON line for every message row that enters a room's MessageModel, live or from
// the history replayed after a reconnect, which is what the app's message list shows. The soak
// counts these per message id: each message sent must appear exactly once.
//
//   soak-observer --url ws://HOST:PORT/ --user ID --name NAME --join ROOM [--join ROOM ...]
//
// stdout: {"event":"status","status":...} | {"event":"connected","connectionId":...} |
//         {"event":"message","room":R,"id":ID,"ts":MS,"text":T,"at":MS} (at: wall clock, ms)
// stdin: end of input quits.
#include "messagemodel.h"
#include "presenceclient.h"
#include "room.h"
#include "session.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSocketNotifier>
#include <QUrlQuery>

#include <cstdio>
#include <unistd.h>

using namespace Hallway;

namespace {
void emitLine(const QJsonObject &o)
{
    const QByteArray line = QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fflush(stdout);
}
} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption urlOpt(QStringLiteral("url"), QStringLiteral("server URL"), QStringLiteral("url"));
    const QCommandLineOption userOpt(QStringLiteral("user"), QStringLiteral("user id"), QStringLiteral("id"));
    const QCommandLineOption nameOpt(QStringLiteral("name"), QStringLiteral("display name"), QStringLiteral("name"));
    const QCommandLineOption joinOpt(QStringLiteral("join"), QStringLiteral("room to join"), QStringLiteral("room"));
    parser.addOptions({urlOpt, userOpt, nameOpt, joinOpt});
    parser.process(app);

    QUrl url(parser.value(urlOpt));
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("user"), parser.value(userOpt));
    query.addQueryItem(QStringLiteral("name"), parser.value(nameOpt));
    url.setQuery(query);

    Session session;
    session.client()->setUrl(url);
    PresenceClient *client = session.client();
    QObject::connect(client, &PresenceClient::statusChanged, &app, [client] {
        emitLine({{QStringLiteral("event"), QStringLiteral("status")},
                  {QStringLiteral("status"), ConnectionStatus::word(client->status())}});
    });
    QObject::connect(client, &PresenceClient::connected, &app, [](const QString &id) {
        emitLine({{QStringLiteral("event"), QStringLiteral("connected")}, {QStringLiteral("connectionId"), id}});
    });

    for (const QString &name : parser.values(joinOpt)) {
        Room *room = session.join(name);
        MessageModel *model = room->messages();
        QObject::connect(model, &QAbstractItemModel::rowsInserted, &app,
                         [model, name](const QModelIndex &, int first, int last) {
                             const qint64 at = QDateTime::currentMSecsSinceEpoch();
                             for (int row = first; row <= last; ++row) {
                                 const MessageModel::Message &m = model->at(row);
                                 if (m.messageId.isEmpty())
                                     continue; // the model's own notices ("… joined"), not chat
                                 emitLine({{QStringLiteral("event"), QStringLiteral("message")},
                                           {QStringLiteral("room"), name},
                                           {QStringLiteral("id"), m.messageId},
                                           {QStringLiteral("ts"), m.tsMs},
                                           {QStringLiteral("text"), m.text},
                                           {QStringLiteral("at"), at}});
                             }
                         });
    }

    auto *input = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, &app);
    QObject::connect(input, &QSocketNotifier::activated, &app, [input, client] {
        char chunk[4096];
        if (::read(STDIN_FILENO, chunk, sizeof chunk) > 0)
            return;
        input->setEnabled(false);
        client->close();
        QCoreApplication::quit();
    });
    client->open();
    return app.exec();
}
