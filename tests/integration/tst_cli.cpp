// hallway-cli's JSON-lines contract, tested as scripts use it: real processes, real server.
#include "clientprobe.h"
#include "serverstack.h"
#include "tcpproxy.h"
#include "testutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <csignal>

namespace {
constexpr int kEventTimeoutMs = 8000;

// One hallway-cli process: stdin takes commands, stdout lines are collected as JSON.
class Cli
{
public:
    Cli(const QUrl &url, const QString &user, const QString &name, const QStringList &joins = {})
    {
        QStringList args{QStringLiteral("--url"), url.toString()};
        if (!user.isEmpty())
            args << QStringLiteral("--user") << user << QStringLiteral("--name") << name;
        for (const QString &room : joins)
            args << QStringLiteral("--join") << room;
        args << QStringLiteral("--ping-timeout") << QStringLiteral("3000");
        TestUtil::readJsonLines(&process, &buffer, [this](const QByteArray &line, const QJsonObject &event) {
            raw << line;
            events << event;
        });
        process.setProcessChannelMode(QProcess::SeparateChannels);
        process.start(QStringLiteral(HALLWAY_CLI), args);
    }
    ~Cli()
    {
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished(3000);
        }
    }
    void send(const QByteArray &line) { process.write(line + '\n'); }

    // The first event (from index `from`) matching all fields of `want`.
    QJsonObject find(const QJsonObject &want, int from = 0) const
    {
        for (int i = from; i < events.size(); ++i) {
            bool match = true;
            for (auto it = want.begin(); it != want.end() && match; ++it)
                match = events.at(i).value(it.key()) == it.value();
            if (match)
                return events.at(i);
        }
        return {};
    }
    QJsonObject waitFor(const QJsonObject &want, int timeoutMs = kEventTimeoutMs)
    {
        TestUtil::waitUntil([&] { return !find(want).isEmpty(); }, timeoutMs);
        return find(want);
    }
    QJsonObject reply(const QString &op, int timeoutMs = kEventTimeoutMs)
    {
        return waitFor({{QStringLiteral("event"), QStringLiteral("reply")}, {QStringLiteral("op"), op}}, timeoutMs);
    }
    bool waitExit(int timeoutMs = 10000)
    {
        return TestUtil::waitUntil([&] { return process.state() == QProcess::NotRunning; }, timeoutMs);
    }

    QProcess process;
    QByteArray buffer;
    QList<QByteArray> raw;
    QList<QJsonObject> events;
};

QJsonObject ev(const char *event, std::initializer_list<QPair<QString, QJsonValue>> fields = {})
{
    QJsonObject o{{QStringLiteral("event"), QString::fromLatin1(event)}};
    for (const auto &f : fields)
        o.insert(f.first, f.second);
    return o;
}
} // namespace

class tst_Cli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_stack.start(), qPrintable(m_stack.errorString())); }
    void cleanup() { m_stack.printLogsIfFailed(); }

    void twoPeopleTalk()
    {
        Cli grace(m_stack.url(), QStringLiteral("grace"), QStringLiteral("Grace Hopper"), {QStringLiteral("lobby")});
        QVERIFY(!grace.waitFor(ev("connected")).isEmpty());
        QVERIFY(!grace.waitFor(ev("state", {{QStringLiteral("userId"), QStringLiteral("grace")}})).isEmpty());

        Cli ada(m_stack.url(), QStringLiteral("ada"), QStringLiteral("Ada <b>L</b>"));
        ada.send(R"({"op":"join","room":"lobby"})");
        const QJsonObject joined = ada.reply(QStringLiteral("join"));
        QCOMPARE(joined.value(QStringLiteral("ok")), QJsonValue(true));
        QCOMPARE(joined.value(QStringLiteral("members")).toInt(), 2);

        // Grace sees Ada arrive, with her name exactly as given (HTML is just text).
        const QJsonObject join = grace.waitFor(ev("join", {{QStringLiteral("userId"), QStringLiteral("ada")}}));
        QCOMPARE(join.value(QStringLiteral("name")).toString(), QStringLiteral("Ada <b>L</b>"));
        QCOMPARE(join.value(QStringLiteral("room")).toString(), QStringLiteral("lobby"));

        ada.send(R"({"op":"users","room":"lobby"})");
        const QJsonArray users = ada.reply(QStringLiteral("users")).value(QStringLiteral("users")).toArray();
        QCOMPARE(users.size(), 2);
        for (const QJsonValue &u : users) {
            QCOMPARE(u[QStringLiteral("connections")].toInt(), 1);
            QVERIFY(!u[QStringLiteral("name")].toString().isEmpty());
        }

        // Typing reaches Grace as a typing event with Ada's user id and a sentence.
        ada.send(R"({"op":"type","room":"lobby","text":"hel"})");
        const QJsonObject typing = grace.waitFor(ev("typing", {{QStringLiteral("users"), QJsonArray{QStringLiteral("ada")}}}));
        QCOMPARE(typing.value(QStringLiteral("text")).toString(), QStringLiteral("Ada <b>L</b> is typing…"));

        // Sending settles with the server's id; Grace gets the message once, typing stops.
        ada.send(R"({"op":"send","room":"lobby","text":"  hello <i>all</i>  "})");
        const QJsonObject sent = ada.reply(QStringLiteral("send"));
        QCOMPARE(sent.value(QStringLiteral("ok")), QJsonValue(true));
        const QString id = sent.value(QStringLiteral("id")).toString();
        QVERIFY(!id.isEmpty());
        const QJsonObject message = grace.waitFor(ev("message", {{QStringLiteral("id"), id}}));
        QCOMPARE(message.value(QStringLiteral("text")).toString(), QStringLiteral("hello <i>all</i>"));
        QCOMPARE(message.value(QStringLiteral("from")).toString(), QStringLiteral("ada"));
        QVERIFY(!grace.waitFor(ev("typing", {{QStringLiteral("users"), QJsonArray()}})).isEmpty());

        // Manual status reaches Grace as a state event.
        ada.send(R"({"op":"status","status":"away"})");
        QCOMPARE(ada.reply(QStringLiteral("status")).value(QStringLiteral("status")).toString(), QStringLiteral("away"));
        QVERIFY(!grace.waitFor(ev("state", {{QStringLiteral("userId"), QStringLiteral("ada")},
                                            {QStringLiteral("state"), QJsonObject{{QStringLiteral("status"), QStringLiteral("away")}}}}))
                     .isEmpty());

        // members comes from the model: Grace's view of Ada shows the away state.
        grace.send(R"({"op":"members","room":"lobby"})");
        const QJsonArray members = grace.reply(QStringLiteral("members")).value(QStringLiteral("members")).toArray();
        QCOMPARE(members.size(), 2);
        bool sawAda = false;
        for (const QJsonValue &m : members) {
            if (m[QStringLiteral("userId")] == QStringLiteral("ada")) {
                sawAda = true;
                QCOMPARE(m[QStringLiteral("state")][QStringLiteral("status")].toString(), QStringLiteral("away"));
            }
        }
        QVERIFY(sawAda);

        // Bad lines get ok:false and the process goes on.
        ada.send("this is not json");
        ada.send(R"({"op":"frobnicate"})");
        ada.send(R"({"op":"publish","room":"lobby","state":"nope"})");
        ada.send(R"({"op":"command","command":"rooms:list"})");
        const QJsonObject rooms = ada.reply(QStringLiteral("command"));
        QCOMPARE(rooms.value(QStringLiteral("ok")), QJsonValue(true));
        QCOMPARE(rooms[QStringLiteral("result")][QStringLiteral("rooms")][0][QStringLiteral("name")].toString(), QStringLiteral("lobby"));
        QVERIFY(!ada.find(ev("reply", {{QStringLiteral("op"), QString()}, {QStringLiteral("ok"), false}})).isEmpty());
        QVERIFY(ada.find(ev("reply", {{QStringLiteral("op"), QStringLiteral("frobnicate")}}))
                    .value(QStringLiteral("error")).toString().contains(QStringLiteral("unknown op")));
        QCOMPARE(ada.find(ev("reply", {{QStringLiteral("op"), QStringLiteral("publish")}})).value(QStringLiteral("ok")), QJsonValue(false));

        ada.send(R"({"op":"quit"})");
        QVERIFY(ada.waitExit());
        QCOMPARE(ada.process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(ada.process.exitCode(), 0);
        QVERIFY(!grace.waitFor(ev("leave", {{QStringLiteral("userId"), QStringLiteral("ada")}})).isEmpty());

        // Every line is one JSON object whose first field is the event.
        for (const Cli *cli : {&ada, &grace})
            for (const QByteArray &line : cli->raw)
                QVERIFY2(line.startsWith("{\"event\":\""), line.constData());
    }

    // A bot must not miss what was said while its link was down: the history replayed after
    // the reconnect is printed for the messages it had not printed, and nothing twice. The
    // bot talks through a proxy that we cut and hold shut while a writer posts.
    void messagesWhileAwayArePrintedOnce()
    {
        TcpProxy proxy(m_stack.serverPort(0));
        QVERIFY(proxy.listen());
        QUrl viaProxy = m_stack.url();
        viaProxy.setPort(proxy.port());
        const QString room = QStringLiteral("away");
        Cli bot(viaProxy, QStringLiteral("bot"), QStringLiteral("Bot"), {room});
        QVERIFY(!bot.waitFor(ev("connected")).isEmpty());
        ClientProbe writer(m_stack.userUrl(QStringLiteral("writer"), QStringLiteral("Writer")));
        QVERIFY(writer.openAndWait());
        QVERIFY(await(writer.client.joinRoom(room, false)).ok);
        auto say = [&](const QString &text) {
            return await(writer.client.command(QStringLiteral("chat:send"),
                                               QJsonObject{{QStringLiteral("room"), room}, {QStringLiteral("text"), text}})).ok;
        };
        QVERIFY(say(QStringLiteral("before")));
        QVERIFY(!bot.waitFor(ev("message", {{QStringLiteral("text"), QStringLiteral("before")}})).isEmpty());

        proxy.setTargetPort(1); // nothing listens there: reconnects fail until we restore it
        proxy.dropAll();
        QVERIFY(!bot.waitFor(ev("status", {{QStringLiteral("status"), QStringLiteral("reconnecting")}})).isEmpty());
        QVERIFY(say(QStringLiteral("while away")));
        proxy.setTargetPort(m_stack.serverPort(0));
        QVERIFY(!bot.waitFor(ev("message", {{QStringLiteral("text"), QStringLiteral("while away")}}), 20000).isEmpty());
        QVERIFY(say(QStringLiteral("after")));
        QVERIFY(!bot.waitFor(ev("message", {{QStringLiteral("text"), QStringLiteral("after")}})).isEmpty());
        for (const char *text : {"before", "while away", "after"}) {
            const auto n = std::count_if(bot.events.cbegin(), bot.events.cend(), [text](const QJsonObject &e) {
                return e.value(QStringLiteral("event")) == QStringLiteral("message")
                    && e.value(QStringLiteral("text")) == QLatin1String(text);
            });
            QVERIFY2(n == 1, text);
        }
    }

    void reconnectAnnouncesNewId()
    {
        Cli bot(m_stack.url(), QStringLiteral("bot"), QStringLiteral("Bot"), {QStringLiteral("lobby")});
        const QString first = bot.waitFor(ev("connected")).value(QStringLiteral("connectionId")).toString();
        QVERIFY(!first.isEmpty());
        QVERIFY(m_stack.killServer(0));
        QVERIFY(m_stack.startServer(0));
        QVERIFY(!bot.waitFor(ev("status", {{QStringLiteral("status"), QStringLiteral("reconnecting")}})).isEmpty());
        QVERIFY(TestUtil::waitUntil([&] {
            return std::count_if(bot.events.cbegin(), bot.events.cend(), [](const QJsonObject &e) {
                       return e.value(QStringLiteral("event")) == QStringLiteral("connected");
                   }) >= 2;
        }, 15000));
        const QString second = bot.find(ev("connected"), bot.events.indexOf(bot.find(ev("connected"))) + 1)
                                   .value(QStringLiteral("connectionId")).toString();
        QVERIFY(!second.isEmpty());
        QVERIFY(second != first);
    }

    void endOfInputAndSigtermExitCleanly()
    {
        Cli eof(m_stack.url(), QStringLiteral("eof"), QStringLiteral("EOF"));
        QVERIFY(!eof.waitFor(ev("connected")).isEmpty());
        eof.send(R"({"op":"join","room":"lobby"})");
        eof.process.closeWriteChannel();
        QVERIFY(eof.waitExit());
        QCOMPARE(eof.process.exitCode(), 0);
        QCOMPARE(eof.reply(QStringLiteral("join"), 0).value(QStringLiteral("ok")), QJsonValue(true));

        Cli term(m_stack.url(), QStringLiteral("term"), QStringLiteral("Term"));
        QVERIFY(!term.waitFor(ev("connected")).isEmpty());
        ::kill(pid_t(term.process.processId()), SIGTERM);
        QVERIFY(term.waitExit());
        QCOMPARE(term.process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(term.process.exitCode(), 0);
    }

    void refusedLoginSaysWhyAndExits()
    {
        Cli anonymous(m_stack.url(), QString(), QString());
        const QJsonObject error = anonymous.waitFor(ev("error", {{QStringLiteral("code"), QStringLiteral("EAUTH")}}));
        QVERIFY(error.value(QStringLiteral("message")).toString().contains(QStringLiteral("401")));
        QVERIFY(anonymous.waitExit());
        QCOMPARE(anonymous.process.exitCode(), 3);
    }

    // Token options that cannot work stop at once with a usage error that names the problem
    // (and never a token).
    void tokenOptionUsageErrors()
    {
        const QString url = m_stack.url().toString();
        const QList<QStringList> cases{
            {QStringLiteral("--token-file"), QStringLiteral("/nonexistent/hallway-token")},
            {QStringLiteral("--token-env"), QStringLiteral("TST_CLI_UNSET_TOKEN_VARIABLE")},
            {QStringLiteral("--token-env"), QStringLiteral("X"), QStringLiteral("--token-file"), QStringLiteral("/tmp/x")},
        };
        const QStringList expected{QStringLiteral("does not exist"), QStringLiteral("is not set"),
                                   QStringLiteral("not both")};
        for (int i = 0; i < cases.size(); ++i) {
            QProcess cli;
            cli.start(QStringLiteral(HALLWAY_CLI), QStringList{QStringLiteral("--url"), url} + cases.at(i));
            QVERIFY(cli.waitForFinished(10000));
            QCOMPARE(cli.exitCode(), 2);
            const QJsonObject error = QJsonDocument::fromJson(cli.readAllStandardOutput().trimmed()).object();
            QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("EUSAGE"));
            QVERIFY2(error.value(QStringLiteral("message")).toString().contains(expected.at(i)),
                     qPrintable(error.value(QStringLiteral("message")).toString()));
        }
    }

private:
    ServerStack m_stack;
};

QTEST_GUILESS_MAIN(tst_Cli)
#include "tst_cli.moc"
