// The status vocabulary: each status has exactly one word and back, custom words stay custom,
// the connection status is one type for Connection and PresenceClient, and QML sees both
// enums under Hallway.Vocabulary.
#include "connection.h"
#include "connectionstatus.h"
#include "presenceclient.h"
#include "presencestatus.h"

#include <QQmlComponent>
#include <QQmlEngine>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>
#include <memory>
#include <type_traits>

Q_IMPORT_QML_PLUGIN(Hallway_VocabularyPlugin)

using namespace Hallway;

static_assert(std::is_same_v<Connection::Status, ConnectionStatus::Status>);
static_assert(std::is_same_v<PresenceClient::Status, ConnectionStatus::Status>);

class TestVocabulary : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void presenceWords_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("word");
        QTest::addColumn<bool>("standard");
        QTest::newRow("online") << int(PresenceStatus::Online) << "online" << true;
        QTest::newRow("away") << int(PresenceStatus::Away) << "away" << true;
        QTest::newRow("busy") << int(PresenceStatus::Busy) << "busy" << true;
        QTest::newRow("typing") << int(PresenceStatus::Typing) << "typing" << true;
        QTest::newRow("unknown") << int(PresenceStatus::Unknown) << "unknown" << false;
        QTest::newRow("offline") << int(PresenceStatus::Offline) << "offline" << false;
        QTest::newRow("automatic") << int(PresenceStatus::Automatic) << "automatic" << false;
    }

    void presenceWords()
    {
        QFETCH(int, status);
        QFETCH(QString, word);
        QFETCH(bool, standard);
        const auto s = PresenceStatus::Status(status);
        QCOMPARE(PresenceStatus::word(s), word);
        QCOMPARE(PresenceStatus::fromWord(word), s);
        QCOMPARE(PresenceStatus::isStandard(word), standard);
    }

    void customAndEmptyWords()
    {
        QCOMPARE(PresenceStatus::fromWord(QStringLiteral("ready")), PresenceStatus::Custom);
        QCOMPARE(PresenceStatus::fromWord(QStringLiteral("Away")), PresenceStatus::Custom); // words are exact
        QVERIFY(!PresenceStatus::isStandard(QStringLiteral("ready")));
        QCOMPARE(PresenceStatus::word(PresenceStatus::Custom), QString());
        QCOMPARE(PresenceStatus::fromWord(QString()), PresenceStatus::Unknown);
        QVERIFY(!PresenceStatus::isStandard(QString()));
    }

    void manualChoices()
    {
        QCOMPARE(PresenceStatus::manualChoiceWords(),
                 QStringList({QStringLiteral("automatic"), QStringLiteral("online"), QStringLiteral("away"),
                              QStringLiteral("busy")}));
    }

    void connectionWords()
    {
        QCOMPARE(ConnectionStatus::word(ConnectionStatus::Offline), QStringLiteral("offline"));
        QCOMPARE(ConnectionStatus::word(ConnectionStatus::Connecting), QStringLiteral("connecting"));
        QCOMPARE(ConnectionStatus::word(ConnectionStatus::Online), QStringLiteral("online"));
        QCOMPARE(ConnectionStatus::word(ConnectionStatus::Reconnecting), QStringLiteral("reconnecting"));
    }

    void enumsInQml()
    {
        QQmlEngine engine;
        QQmlComponent component(&engine);
        component.setData("import QtQml\nimport Hallway.Vocabulary\n"
                          "QtObject {\n"
                          "    property int away: PresenceStatus.Away\n"
                          "    property int custom: PresenceStatus.Custom\n"
                          "    property int reconnecting: ConnectionStatus.Reconnecting\n"
                          "}\n",
                          QUrl());
        std::unique_ptr<QObject> object(component.create());
        QVERIFY2(object, qPrintable(component.errorString()));
        QCOMPARE(object->property("away").toInt(), int(PresenceStatus::Away));
        QCOMPARE(object->property("custom").toInt(), int(PresenceStatus::Custom));
        QCOMPARE(object->property("reconnecting").toInt(), int(ConnectionStatus::Reconnecting));
    }
};

QTEST_MAIN(TestVocabulary)
#include "tst_vocabulary.moc"
