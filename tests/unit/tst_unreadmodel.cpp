// UnreadModel: per-room unread and mention counts over the room list, read marks that survive
// a restart, role-precise dataChanged, and the live-message / room-read signals notifications use.
#include "room.h"
#include "roomlistmodel.h"
#include "unreadmodel.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace Hallway;

namespace {
const QString kServer = QStringLiteral("ws://127.0.0.1:1/");
// Live messages are stamped after the test started; history long before.
const qint64 kNow = QDateTime::currentMSecsSinceEpoch() + 60000;

QJsonObject msg(const QString &id, const QString &from, const QString &text, qint64 ts)
{
    return QJsonObject{{"id", id}, {"from", from}, {"name", QString(from.at(0).toUpper() + from.mid(1))},
                       {"text", text}, {"ts", double(ts)}};
}

struct Fixture {
    RoomListModel list;
    UnreadModel model;
    QAbstractItemModelTester tester{&model, QAbstractItemModelTester::FailureReportingMode::Fatal};
    Room *design = new Room(QStringLiteral("design"), &list);
    Room *lobby = new Room(QStringLiteral("lobby"), &list);
    Fixture()
    {
        model.setServer(kServer);
        model.setSelf(QStringLiteral("bob"), QStringLiteral("Bob"));
        model.setRoomList(&list);
        list.addRoom(lobby);
        list.addRoom(design);
    }
    int unread(const QString &room) const
    {
        return model.index(list.indexOf(room), 0).data(UnreadModel::UnreadRole).toInt();
    }
    int mentions(const QString &room) const
    {
        return model.index(list.indexOf(room), 0).data(UnreadModel::MentionsRole).toInt();
    }
    void live(Room *room, const QJsonObject &m)
    {
        room->addMessage(m);
        model.noteLiveMessage(room->name(), m);
    }
};
} // namespace

class TestUnreadModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("HallwayTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_unreadmodel"));
    }
    void init() { QSettings().clear(); }

    void countsUnreadAndMentions()
    {
        Fixture f;
        QCOMPARE(f.model.roleNames().value(UnreadModel::UnreadRole), QByteArray("unread"));
        QCOMPARE(f.model.index(0, 0).data(RoomListModel::NameRole).toString(), QStringLiteral("lobby"));
        f.model.setCurrentRoom("lobby");
        f.model.setActive(true);

        // In a room met for the first time, its history is not "new".
        f.design->addHistory(QJsonArray{msg("m1", "alice", "old", 1000), msg("m2", "carol", "Bob, older", 2000)});
        QCOMPARE(f.unread("design"), 0);
        QCOMPARE(f.mentions("design"), 0);

        QSignalSpy changed(&f.model, &QAbstractItemModel::dataChanged);
        QSignalSpy arrived(&f.model, &UnreadModel::messageArrived);
        QSignalSpy totals(&f.model, &UnreadModel::totalsChanged);
        f.live(f.design, msg("m3", "alice", "hello all", kNow + 3000));
        QCOMPARE(f.unread("design"), 1);
        QCOMPARE(f.mentions("design"), 0);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.last().at(0).toModelIndex().row(), f.list.indexOf("design"));
        QCOMPARE(changed.last().at(2).value<QList<int>>(), QList<int>{UnreadModel::UnreadRole});
        QCOMPARE(arrived.count(), 1);
        QCOMPARE(arrived.last().at(0).toString(), QStringLiteral("design"));
        QCOMPARE(arrived.last().at(1).toString(), QStringLiteral("Alice"));
        QCOMPARE(arrived.last().at(2).toString(), QStringLiteral("hello all"));
        QCOMPARE(arrived.last().at(3).toBool(), false);

        f.live(f.design, msg("m4", "alice", "what do you think, bob?", kNow + 4000)); // display name, any case
        f.live(f.design, msg("m5", "carol", "ping @bob", kNow + 5000));               // @userId
        f.live(f.design, msg("m6", "carol", "Bobby's idea", kNow + 6000));            // not a word of its own
        f.live(f.design, msg("m7", "bob", "my own, from another device", kNow + 7000));
        QCOMPARE(f.unread("design"), 4);
        QCOMPARE(f.mentions("design"), 2);
        QCOMPARE(arrived.count(), 4); // nothing for our own message
        QVERIFY(arrived.at(1).at(3).toBool());
        QCOMPARE(f.model.totalUnread(), 4);
        QCOMPARE(f.model.totalMentions(), 2);
        QVERIFY(totals.count() >= 1);
        QCOMPARE(f.unread("lobby"), 0);

        // The room we look at stays read while the window is active...
        f.live(f.lobby, msg("l1", "alice", "in lobby", kNow + 8000));
        QCOMPARE(f.unread("lobby"), 0);
        // ...and counts once it is not.
        f.model.setActive(false);
        f.live(f.lobby, msg("l2", "alice", "still lobby", kNow + 9000));
        QCOMPARE(f.unread("lobby"), 1);
        QCOMPARE(f.model.totalUnread(), 5);

        // Opening the room reads it: counts drop, the mark moves, roomRead tells notifications.
        QSignalSpy read(&f.model, &UnreadModel::roomRead);
        f.model.setActive(true); // lobby is read again
        QCOMPARE(read.count(), 1);
        changed.clear();
        f.model.setCurrentRoom("design");
        QCOMPARE(f.unread("design"), 0);
        QCOMPARE(f.mentions("design"), 0);
        QCOMPARE(read.count(), 2);
        QCOMPARE(read.last().at(0).toString(), QStringLiteral("design"));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.last().at(2).value<QList<int>>(),
                 (QList<int>{UnreadModel::UnreadRole, UnreadModel::MentionsRole}));
        QCOMPARE(f.model.lastReadId("design"), QStringLiteral("m7"));
        QCOMPARE(f.model.totalUnread(), 0);
        QCOMPARE(f.model.totalMentions(), 0);
    }

    void readMarksSurviveRestart()
    {
        {
            Fixture f;
            f.design->addHistory(QJsonArray{msg("m1", "alice", "one", 1000), msg("m2", "alice", "two", 2000)});
            QCOMPARE(f.unread("design"), 0);
            f.model.markRead("design");
            QCOMPARE(f.model.lastReadId("design"), QStringLiteral("m2"));
        }
        QCOMPARE(ReadMarks::load(kServer, "design").id, QStringLiteral("m2"));
        QVERIFY(!ReadMarks::load(QStringLiteral("ws://other/"), "design").isValid()); // per server
        {
            // A restart: the history replays, and only what came after the mark is unread.
            Fixture f;
            f.design->addHistory(QJsonArray{msg("m1", "alice", "one", 1000), msg("m2", "alice", "two", 2000),
                                            msg("m3", "alice", "three, Bob", 3000),
                                            msg("m4", "carol", "four", 4000)});
            QCOMPARE(f.unread("design"), 2);
            QCOMPARE(f.mentions("design"), 1);
            QCOMPARE(f.model.totalUnread(), 2);
        }
        {
            // The mark has scrolled out of the server's history: its time decides.
            Fixture f;
            f.design->addHistory(QJsonArray{msg("m3", "alice", "three", 3000), msg("m4", "carol", "four", 4000),
                                            msg("m5", "carol", "five", 5000)});
            QCOMPARE(f.unread("design"), 3);
            f.model.markRead("design");
        }
        QCOMPARE(ReadMarks::load(kServer, "design").id, QStringLiteral("m5"));
        {
            // Another server has marks of its own: same room name, nothing read there yet.
            Fixture f;
            f.model.setServer(QStringLiteral("ws://other/"));
            f.design->addHistory(QJsonArray{msg("x1", "alice", "elsewhere", 1000)});
            QCOMPARE(f.unread("design"), 0);
            QVERIFY(f.model.lastReadId("design").isEmpty());
            QCOMPARE(ReadMarks::load(kServer, "design").id, QStringLiteral("m5"));
        }
    }

    void roomsComeAndGo()
    {
        Fixture f;
        f.design->addHistory(QJsonArray{msg("m1", "alice", "one", 1000)});
        f.live(f.design, msg("m2", "alice", "two", kNow + 2000));
        QCOMPARE(f.model.totalUnread(), 1);
        QVERIFY(f.list.removeRoom("design"));
        QCOMPARE(f.model.rowCount(), 1);
        QCOMPARE(f.model.totalUnread(), 0);
        auto *games = new Room(QStringLiteral("games"), &f.list);
        f.list.addRoom(games);
        QCOMPARE(f.model.rowCount(), 2);
        QCOMPARE(f.model.count(), 2);
        QCOMPARE(f.model.indexOf("games"), 1);
        QCOMPARE(f.model.room("games"), games);
        QCOMPARE(f.model.index(1, 0).data(RoomListModel::NameRole).toString(), QStringLiteral("games"));
        QCOMPARE(f.unread("games"), 0);
    }
};

QTEST_GUILESS_MAIN(TestUnreadModel)
#include "tst_unreadmodel.moc"
