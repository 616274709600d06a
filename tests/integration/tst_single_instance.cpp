// One Hallway per user and server, with real processes: a second `hallway --join room` hands
// the room to the running one and exits 0 without a connection of its own; the join is seen
// from a peer on the real server. A socket left by a killed instance does not block the next.
#include "serverstack.h"
#include "session.h"
#include "testutil.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace Hallway;

class tst_SingleInstance : public QObject
{
    Q_OBJECT
    ServerStack m_stack;
    QTemporaryDir m_dir;

    void prepare(QProcess &process) const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("QT_QPA_PLATFORM", "offscreen");
        env.insert("HOME", m_dir.filePath("home"));
        env.insert("XDG_CONFIG_HOME", m_dir.filePath("config"));
        env.insert("XDG_DATA_HOME", m_dir.filePath("data"));
        env.insert("XDG_RUNTIME_DIR", m_dir.filePath("run"));
        // No desktop services: the app must do without them quietly.
        env.insert("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + m_dir.filePath("no-bus"));
        env.insert("HALLWAY_SYSTEM_BUS", "unix:path=" + m_dir.filePath("no-bus"));
        process.setProcessEnvironment(env);
        process.setProcessChannelMode(QProcess::MergedChannels);
    }
    QStringList args(const QString &room) const
    {
        return {"--url", m_stack.url().toString(), "--user", "alice", "--name", "Alice", "--join", room};
    }
    static int devicesOf(Room *room, const QString &user)
    {
        const UserModel::Person *p = room->users()->find(user);
        return p ? int(p->devices.size()) : 0;
    }
    static void stop(QProcess &process)
    {
        if (process.state() == QProcess::NotRunning)
            return;
        process.terminate();
        if (!process.waitForFinished(5000)) {
            process.kill();
            process.waitForFinished(5000);
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        for (const char *sub : {"home", "config", "data", "run"})
            QVERIFY(QDir(m_dir.path()).mkpath(sub));
        QFile::setPermissions(m_dir.filePath("run"), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        QVERIFY2(m_stack.start(), qPrintable(m_stack.errorString()));
    }
    void cleanup() { m_stack.printLogsIfFailed(); }

    void secondStartHandsOver()
    {
        Session bob;
        bob.client()->setUrl(m_stack.userUrl("bob", "Bob"));
        bob.client()->open();
        Room *lobby = bob.join("si-lobby");
        Room *design = bob.join("si-design");

        QProcess first;
        prepare(first);
        first.start(QStringLiteral(HALLWAY_APP), args("si-lobby"));
        QVERIFY(first.waitForStarted(10000));
        QVERIFY2(TestUtil::waitUntil([&] { return devicesOf(lobby, "alice") == 1; }, 20000), first.readAll().constData());

        QProcess second;
        prepare(second);
        second.start(QStringLiteral(HALLWAY_APP), args("si-design"));
        QVERIFY(second.waitForFinished(20000));
        const QByteArray secondOutput = second.readAll();
        QCOMPARE(second.exitStatus(), QProcess::NormalExit);
        QVERIFY2(second.exitCode() == 0, secondOutput.constData());
        QVERIFY(secondOutput.contains("handed over"));

        // The first instance joined the room; it is still one connection, in both rooms.
        QVERIFY2(TestUtil::waitUntil([&] { return devicesOf(design, "alice") == 1; }, 15000), first.readAll().constData());
        QTest::qWait(500); // a fixed window on purpose: a second connection would show up in it
        QCOMPARE(devicesOf(lobby, "alice"), 1);
        QCOMPARE(devicesOf(design, "alice"), 1);
        QCOMPARE(first.state(), QProcess::Running);

        // Killed without a goodbye, it leaves its socket behind; the next start takes over.
        ::kill(pid_t(first.processId()), SIGKILL);
        QVERIFY(first.waitForFinished(5000));
        QVERIFY(TestUtil::waitUntil([&] { return devicesOf(design, "alice") == 0; }, 15000));
        QProcess third;
        prepare(third);
        third.start(QStringLiteral(HALLWAY_APP), args("si-design"));
        QVERIFY(third.waitForStarted(10000));
        QVERIFY2(TestUtil::waitUntil([&] { return devicesOf(design, "alice") == 1; }, 20000), third.readAll().constData());
        QCOMPARE(third.state(), QProcess::Running);
        stop(third);
    }
};

QTEST_GUILESS_MAIN(tst_SingleInstance)
#include "tst_single_instance.moc"
