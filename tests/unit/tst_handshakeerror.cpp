// The one place that reads Qt 6.4's handshake error text, and secret redaction.
#include "handshakeerror.h"

#include <QTest>

class tst_HandshakeError : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void recognisesStatus_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("status");
        QTest::addColumn<bool>("auth");
        QTest::newRow("401 qt6.4") << QStringLiteral("QWebSocketPrivate::processHandshake: Unhandled http status code: 401 (Unauthorized).") << 401 << true;
        QTest::newRow("403") << QStringLiteral("QWebSocketPrivate::processHandshake: Unhandled http status code: 403 (Forbidden).") << 403 << true;
        QTest::newRow("500") << QStringLiteral("Unhandled http status code: 500 (Internal Server Error).") << 500 << false;
        QTest::newRow("refused") << QStringLiteral("Connection refused") << 0 << false;
        QTest::newRow("empty") << QString() << 0 << false;
        QTest::newRow("number elsewhere") << QStringLiteral("port 401 closed") << 0 << false;
    }
    void recognisesStatus()
    {
        QFETCH(QString, text);
        QFETCH(int, status);
        QFETCH(bool, auth);
        QCOMPARE(Hallway::handshakeHttpStatus(text), status);
        QCOMPARE(Hallway::isAuthHandshakeError(text), auth);
    }
    void redactsUrls()
    {
        const QString s = Hallway::redactUrl(QUrl(QStringLiteral("wss://u:pw@chat.example/?user=alice&token=s3cret&access_token=abc")));
        QVERIFY(!s.contains(QStringLiteral("s3cret")));
        QVERIFY(!s.contains(QStringLiteral("abc")));
        QVERIFY(!s.contains(QStringLiteral("pw")));
        QVERIFY(s.contains(QStringLiteral("user=alice")));
        QVERIFY(s.contains(QStringLiteral("token=redacted")));
        QCOMPARE(Hallway::redactUrl(QUrl(QStringLiteral("ws://h:1/?user=a"))), QStringLiteral("ws://h:1/?user=a"));
    }
    void redactsText()
    {
        const QString s = Hallway::redactText(
            QStringLiteral("failed ws://h/?user=a&token=s3cret&x=1 with Authorization: Bearer abc.def and wss://u:pw@h/"));
        QVERIFY2(!s.contains(QStringLiteral("s3cret")), qPrintable(s));
        QVERIFY2(!s.contains(QStringLiteral("abc.def")), qPrintable(s));
        QVERIFY2(!s.contains(QStringLiteral(":pw@")), qPrintable(s));
        QVERIFY(s.contains(QStringLiteral("x=1")));
        QVERIFY(s.contains(QStringLiteral("user=a")));
    }
};

QTEST_GUILESS_MAIN(tst_HandshakeError)
#include "tst_handshakeerror.moc"
