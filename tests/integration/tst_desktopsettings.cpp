// DesktopSettings: the settings page's switches persist, and "start at login" writes and
// removes a real XDG autostart entry (in a temporary XDG_CONFIG_HOME).
#include "desktopsettings.h"

#include <QCoreApplication>
#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using Hallway::DesktopSettings;

class tst_DesktopSettings : public QObject
{
    Q_OBJECT
    QTemporaryDir m_home;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        qputenv("XDG_CONFIG_HOME", m_home.path().toUtf8());
        QCoreApplication::setOrganizationName(QStringLiteral("hallway-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_desktopsettings"));
    }

    void switchesPersist()
    {
        {
            DesktopSettings s;
            QVERIFY(s.sendTyping());
            QVERIFY(s.showMessageText());
            QVERIFY(!s.keepInTray());
            QSignalSpy changed(&s, &DesktopSettings::sendTypingChanged);
            s.setSendTyping(false);
            s.setSendTyping(false);
            QCOMPARE(changed.count(), 1);
            s.setShowMessageText(false);
            s.setKeepInTray(true);
        }
        DesktopSettings again;
        QVERIFY(!again.sendTyping());
        QVERIFY(!again.showMessageText());
        QVERIFY(again.keepInTray());
    }

    void startAtLoginWritesTheAutostartEntry()
    {
        DesktopSettings s;
        const QString path = DesktopSettings::autostartPath();
        QVERIFY2(path.startsWith(m_home.path() + QStringLiteral("/autostart/")), qPrintable(path));
        QVERIFY(!s.startAtLogin());
        QSignalSpy changed(&s, &DesktopSettings::startAtLoginChanged);
        s.setStartAtLogin(true);
        QVERIFY(s.startAtLogin());
        QCOMPARE(changed.count(), 1);
        QFile entry(path);
        QVERIFY(entry.open(QIODevice::ReadOnly));
        const QByteArray text = entry.readAll();
        QVERIFY(text.startsWith("[Desktop Entry]\n"));
        QVERIFY(text.contains("Type=Application\n"));
        const QByteArray exec = "Exec=\"" + QCoreApplication::applicationFilePath().toUtf8() + "\"\n";
        QVERIFY(text.contains(exec));
        QVERIFY(s.error().isEmpty());
        s.setStartAtLogin(false);
        QVERIFY(!QFile::exists(path));
        QVERIFY(!s.startAtLogin());
        QCOMPARE(changed.count(), 2);
    }
};

QTEST_GUILESS_MAIN(tst_DesktopSettings)
#include "tst_desktopsettings.moc"
