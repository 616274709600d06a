// TokenSource: a token from a file or an environment variable, with the checks that catch a
// bad paste, and a warning (never the token) when the file is readable by others.
#include "tokensource.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using Hallway::TokenSource;

class tst_TokenSource : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QString write(const QString &name, const QByteArray &content, QFileDevice::Permissions perms)
    {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return {};
        file.write(content);
        file.close();
        QFile::setPermissions(path, perms);
        return path;
    }

    static constexpr auto kPrivate = QFileDevice::ReadOwner | QFileDevice::WriteOwner;

private Q_SLOTS:
    void fileFirstLineTrimmed()
    {
        const QString path = write(QStringLiteral("ok"), "  abc.def-ghi_jkl  \nsecond line\n", kPrivate);
        const TokenSource s = TokenSource::fromFile(path);
        QVERIFY2(s.ok(), qPrintable(s.error));
        QCOMPARE(s.token, QStringLiteral("abc.def-ghi_jkl"));
        QCOMPARE(s.warning, QString());
    }

    void readableByOthersWarns()
    {
        const QString path = write(QStringLiteral("open"), "secret-token-value\n",
                                   kPrivate | QFileDevice::ReadGroup | QFileDevice::ReadOther);
        const TokenSource s = TokenSource::fromFile(path);
        QVERIFY(s.ok());
        QCOMPARE(s.token, QStringLiteral("secret-token-value"));
        QVERIFY(s.warning.contains(QLatin1String("chmod 600")));
        QVERIFY(!s.warning.contains(s.token));
    }

    void badFilesAreRefused_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty") << QByteArray() << QStringLiteral("empty");
        QTest::newRow("blank line") << QByteArray("   \n") << QStringLiteral("empty");
        QTest::newRow("inner space") << QByteArray("Bearer abc\n") << QStringLiteral("spaces");
        QTest::newRow("too large") << QByteArray(TokenSource::kMaxBytes + 1, 'a') << QStringLiteral("larger");
    }
    void badFilesAreRefused()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        const QString path = write(QStringLiteral("bad"), content, kPrivate);
        const TokenSource s = TokenSource::fromFile(path);
        QVERIFY(!s.ok());
        QVERIFY2(s.error.contains(expected), qPrintable(s.error));
        QCOMPARE(s.token, QString());
        if (content.trimmed().size() > 3)
            QVERIFY(!s.error.contains(QString::fromUtf8(content.trimmed().left(20))));
    }

    void missingFileAndDirectory()
    {
        QVERIFY(TokenSource::fromFile(m_dir.filePath(QStringLiteral("nope"))).error.contains(QLatin1String("does not exist")));
        QVERIFY(TokenSource::fromFile(m_dir.path()).error.contains(QLatin1String("not a regular file")));
    }

    void environment()
    {
        qputenv("TST_TOKENSOURCE_TOKEN", " env-token \n");
        TokenSource s = TokenSource::fromEnvironment(QStringLiteral("TST_TOKENSOURCE_TOKEN"));
        QVERIFY(s.ok());
        QCOMPARE(s.token, QStringLiteral("env-token"));
        qunsetenv("TST_TOKENSOURCE_TOKEN");
        s = TokenSource::fromEnvironment(QStringLiteral("TST_TOKENSOURCE_TOKEN"));
        QVERIFY(!s.ok());
        QVERIFY(s.error.contains(QLatin1String("not set")));
        qputenv("TST_TOKENSOURCE_TOKEN", "");
        QVERIFY(TokenSource::fromEnvironment(QStringLiteral("TST_TOKENSOURCE_TOKEN")).error.contains(QLatin1String("empty")));
    }
};

QTEST_GUILESS_MAIN(tst_TokenSource)
#include "tst_tokensource.moc"
