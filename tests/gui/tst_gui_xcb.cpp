// The real hallway binary in a real X window (QT_QPA_PLATFORM=xcb; CTest runs this under
// xvfb-run), against a real server, with a hallway-cli peer: `--name "Uma Tester"` must be
// our display name for the peers. With the xcb platform Qt takes --name for itself (the X11
// resource name) unless the app keeps it from Qt; offscreen runs cannot show that.
#include "serverstack.h"
#include "testutil.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

namespace {
constexpr int kWaitMs = 20000;

// A hallway-cli peer in one room, collecting its JSON-line events.
class Peer
{
public:
    Peer(const QUrl &url, const QString &room)
    {
        TestUtil::readJsonLines(&process, &buffer, [this](const QByteArray &, const QJsonObject &event) { events << event; });
        process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        process.start(QStringLiteral(HALLWAY_CLI), {QStringLiteral("--url"), url.toString(), QStringLiteral("--user"),
                                                     QStringLiteral("peer"), QStringLiteral("--name"), QStringLiteral("Peer"),
                                                     QStringLiteral("--join"), room});
    }
    ~Peer()
    {
        process.write("{\"op\":\"quit\"}\n");
        if (!process.waitForFinished(3000)) {
            process.kill();
            process.waitForFinished(3000);
        }
    }
    QJsonObject joinOf(const QString &userId) const
    {
        for (const QJsonObject &e : events) {
            if (e.value(QStringLiteral("event")) == QStringLiteral("join") && e.value(QStringLiteral("userId")) == userId)
                return e;
        }
        return {};
    }
    QProcess process;
    QByteArray buffer;
    QList<QJsonObject> events;
};
} // namespace

class tst_GuiXcb : public QObject
{
    Q_OBJECT
    ServerStack m_stack;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(qEnvironmentVariableIsSet("DISPLAY"), "run under an X server (CTest uses xvfb-run)");
        QVERIFY2(m_stack.start(), qPrintable(m_stack.errorString()));
    }
    void cleanup() { m_stack.printLogsIfFailed(); }
    void cleanupTestCase() { m_stack.stop(); }

    void nameOptionIsTheDisplayName_data()
    {
        QTest::addColumn<QStringList>("nameArgs");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("expected");
        QTest::newRow("--name value") << QStringList{QStringLiteral("--name"), QStringLiteral("Uma Tester")}
                                      << QStringLiteral("uma") << QStringLiteral("Uma Tester");
        QTest::newRow("--name=value") << QStringList{QStringLiteral("--name=Vic Tester")}
                                      << QStringLiteral("vic") << QStringLiteral("Vic Tester");
    }

    void nameOptionIsTheDisplayName()
    {
        QFETCH(QStringList, nameArgs);
        QFETCH(QString, user);
        QFETCH(QString, expected);
        const QString room = QStringLiteral("xcb-") + user;
        Peer peer(m_stack.url(), room);
        QVERIFY(TestUtil::waitUntil([&] {
            return std::any_of(peer.events.cbegin(), peer.events.cend(), [](const QJsonObject &e) {
                return e.value(QStringLiteral("event")) == QStringLiteral("connected");
            });
        }, kWaitMs));

        QTemporaryDir config;
        QVERIFY(config.isValid());
        QProcess app;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("xcb"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), config.path());
        app.setProcessEnvironment(env);
        app.setProcessChannelMode(QProcess::ForwardedChannels);
        app.start(QStringLiteral(HALLWAY_APP), QStringList{QStringLiteral("--url"), m_stack.url().toString(),
                                                           QStringLiteral("--user"), user}
                                                   + nameArgs + QStringList{QStringLiteral("--join"), room});
        QVERIFY(app.waitForStarted(kWaitMs));
        const bool joined = TestUtil::waitUntil([&] { return !peer.joinOf(user).isEmpty(); }, kWaitMs);
        app.terminate();
        if (!app.waitForFinished(5000)) {
            app.kill();
            app.waitForFinished(3000);
        }
        QVERIFY2(joined, "the app never joined");
        QCOMPARE(peer.joinOf(user).value(QStringLiteral("name")).toString(), expected);
    }
};

QTEST_GUILESS_MAIN(tst_GuiXcb)
#include "tst_gui_xcb.moc"
