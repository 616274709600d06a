// The foundation's smoke test: the real server stack comes up, a raw QWebSocket receives
// rt/assign-id, and rt/noop answers true.
#include "serverstack.h"
#include "testutil.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QWebSocket>

class tst_Stack : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_stack.start(), qPrintable(m_stack.errorString())); }
    void cleanup() { m_stack.printLogsIfFailed(); }

    void assignIdThenNoop()
    {
        QWebSocket socket;
        QList<QJsonObject> frames;
        connect(&socket, &QWebSocket::textMessageReceived, this, [&](const QString &text) {
            frames.append(QJsonDocument::fromJson(text.toUtf8()).object());
        });
        socket.open(m_stack.userUrl(QStringLiteral("alice"), QStringLiteral("Alice")));
        QVERIFY(TestUtil::waitUntil([&] { return !frames.isEmpty(); }));
        QCOMPARE(frames.first().value(QStringLiteral("command")).toString(), QStringLiteral("rt/assign-id"));
        const QString id = frames.first().value(QStringLiteral("payload")).toString();
        QCOMPARE(id.size(), 36);

        socket.sendTextMessage(QStringLiteral(R"({"id":1,"command":"rt/noop","payload":{}})"));
        auto reply = [&]() -> QJsonObject {
            for (const QJsonObject &f : frames)
                if (f.value(QStringLiteral("id")).toInt() == 1)
                    return f;
            return {};
        };
        QVERIFY(TestUtil::waitUntil([&] { return !reply().isEmpty(); }));
        QCOMPARE(reply().value(QStringLiteral("payload")), QJsonValue(true));
    }

    void refusesMissingUser()
    {
        QWebSocket socket;
        bool failed = false;
        connect(&socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
                [&](QAbstractSocket::SocketError) { failed = true; });
        socket.open(m_stack.url());
        QVERIFY(TestUtil::waitUntil([&] { return failed; }));
        QVERIFY2(socket.errorString().contains(QStringLiteral("401")), qPrintable(socket.errorString()));
    }

private:
    ServerStack m_stack;
};

QTEST_GUILESS_MAIN(tst_Stack)
#include "tst_stack.moc"
