// RoomListModel: rows follow their Room with role-precise dataChanged.
#include "room.h"
#include "roomlistmodel.h"

#include <QAbstractItemModelTester>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace Hallway;

class TestRoomListModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void followsRooms()
    {
        RoomListModel list;
        QAbstractItemModelTester tester(&list, QAbstractItemModelTester::FailureReportingMode::Fatal);
        auto *lobby = new Room("lobby", &list);
        auto *games = new Room("games", &list);
        QVERIFY(list.addRoom(lobby));
        QVERIFY(list.addRoom(games));
        QVERIFY(!list.addRoom(lobby));
        QCOMPARE(list.count(), 2);
        QCOMPARE(list.room("games"), games);
        QCOMPARE(list.index(1, 0).data(RoomListModel::RoomRole).value<Room *>(), games);
        QVERIFY(!list.index(0, 0).data(Qt::UserRole + 99).isValid());

        QSignalSpy changed(&list, &QAbstractItemModel::dataChanged);
        PresenceEvent e;
        e.type = PresenceEvent::Type::Join;
        e.room = "games";
        e.connectionId = "a1";
        e.metadata = QJsonObject{{"userId", "alice"}, {"username", "Alice"}};
        e.timestamp = 1;
        games->apply(e);
        QCOMPARE(list.index(1, 0).data(RoomListModel::MemberCountRole).toInt(), 1);
        QCOMPARE(list.index(1, 0).data(RoomListModel::OnlineCountRole).toInt(), 1);
        QCOMPARE(changed.count(), 2); // memberCount, onlineCount: one role each, row 1 only
        for (const auto &args : changed) {
            QCOMPARE(args.at(0).toModelIndex().row(), 1);
            QCOMPARE(args.at(2).value<QList<int>>().size(), 1);
        }
        e.type = PresenceEvent::Type::State;
        e.state = QJsonObject{{"status", "typing"}};
        games->apply(e);
        QCOMPARE(changed.count(), 3);
        QCOMPARE(changed.last().at(2).value<QList<int>>(), QList<int>{RoomListModel::TypingTextRole});
        QCOMPARE(list.index(1, 0).data(RoomListModel::TypingTextRole).toString(), QString::fromUtf8("Alice is typing…"));

        QVERIFY(list.removeRoom("lobby"));
        QCOMPARE(list.indexOf("games"), 0);
        delete games; // a destroyed room leaves the list
        QCOMPARE(list.count(), 0);
    }
};

QTEST_GUILESS_MAIN(TestRoomListModel)
#include "tst_roomlistmodel.moc"
