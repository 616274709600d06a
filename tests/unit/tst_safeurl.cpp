// isAllowedAvatarUrl / sanitizedAvatarUrl: which avatar URLs from other people we may load.
#include "safeurl.h"

#include <QRandomGenerator>
#include <QTest>

using namespace Hallway;

class tst_SafeUrl : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void avatar_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("allowHttp");
        QTest::addColumn<bool>("allowed");
        QTest::newRow("https") << "https://example.org/a.png" << false << true;
        QTest::newRow("https port+query") << "https://cdn.example.org:8443/a.png?s=64" << false << true;
        QTest::newRow("HTTPS upper") << "HTTPS://example.org/a.png" << false << true;
        QTest::newRow("http refused") << "http://example.org/a.png" << false << false;
        QTest::newRow("http dev") << "http://localhost:8080/a.png" << true << true;
        QTest::newRow("file") << "file:///etc/passwd" << true << false;
        QTest::newRow("data") << "data:image/png;base64,AAAA" << true << false;
        QTest::newRow("javascript") << "javascript:alert(1)" << true << false;
        QTest::newRow("qrc") << "qrc:/qml/Main.qml" << true << false;
        QTest::newRow("relative") << "/a.png" << true << false;
        QTest::newRow("no host") << "https:///a.png" << false << false;
        QTest::newRow("userinfo") << "https://user:pw@example.org/a.png" << false << false;
        QTest::newRow("empty") << "" << false << false;
        QTest::newRow("garbage") << "ht tp://??" << false << false;
        QTest::newRow("too long") << QString("https://example.org/" + QString(3000, 'a')) << false << false;
    }
    void avatar()
    {
        QFETCH(QString, url);
        QFETCH(bool, allowHttp);
        QFETCH(bool, allowed);
        QCOMPARE(isAllowedAvatarUrl(QUrl(url), allowHttp), allowed);
        QCOMPARE(sanitizedAvatarUrl(url, allowHttp).isEmpty(), !allowed);
    }

    // The shortcut never changes the answer: what it passes, QUrl accepts and writes back as is.
    void plainHttpsShortcutAgreesWithQUrl()
    {
        for (const char *plain : {"https://example.org/a.png", "https://cdn-1.example.org/u/42.png?s=64&x=(1)#top",
                                  "https://a.b/", "https://host/~x/y;z=1,2:3!$'*+"})
            QVERIFY2(isPlainHttpsUrl(QString::fromLatin1(plain)), plain);
        for (const char *other : {"https://Example.org/", "https://1.2.3.4/a.png", "https://0x10/", "https://a.0x10/", "https://xn--bcher-kva.example/",
                                  "https://a..b/", "https://-a.b/", "https://a-.b/", "https://a.b:443/", "https://a.b/%41",
                                  "https://u@a.b/", "https://a.b/x#y#z", "https://a.b/ x", "https://a.b/[x]", "http://a.b/",
                                  "https://", "https:///a.png"})
            QVERIFY2(!isPlainHttpsUrl(QString::fromLatin1(other)), other);

        // Random URLs near the shortcut's edges: every one it passes must survive QUrl unchanged.
        QRandomGenerator rng(20261202);
        const QString hostChars = QStringLiteral("abcxyzabcxyz019-.AZ_:@%");
        const QString restChars = QStringLiteral("aZ09-._~!$&'()*+,;=:/?#@%[]{}|\\^`\" <>\u00e9");
        int passed = 0;
        for (int n = 0; n < 200000; ++n) {
            QString url = QStringLiteral("https://");
            const int hostLen = 1 + int(rng.bounded(12));
            for (int k = 0; k < hostLen; ++k)
                url += hostChars.at(int(rng.bounded(hostChars.size())));
            const int restLen = int(rng.bounded(16));
            for (int k = 0; k < restLen; ++k)
                url += restChars.at(int(rng.bounded(restChars.size())));
            if (!isPlainHttpsUrl(url))
                continue;
            ++passed;
            const QUrl parsed(url, QUrl::StrictMode);
            QVERIFY2(isAllowedAvatarUrl(parsed), qPrintable(url));
            QCOMPARE(parsed.toString(QUrl::FullyEncoded), url);
        }
        QVERIFY2(passed > 1000, qPrintable(QString::number(passed))); // the edges were really tried
    }
};

QTEST_GUILESS_MAIN(tst_SafeUrl)
#include "tst_safeurl.moc"
