// isAllowedAvatarUrl / sanitizedAvatarUrl: which avatar URLs from other people we may load.
#include "safeurl.h"

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
};

QTEST_GUILESS_MAIN(tst_SafeUrl)
#include "tst_safeurl.moc"
