// RoomFeed: a big first snapshot made whole off the GUI thread must leave the room exactly as
// Room::applySnapshot() would, row for row and role for role, with the events that came
// meanwhile applied after it; a newer snapshot or a room that changed meanwhile falls back to
// the usual way, with the same result.
#include "membermodel.h"
#include "presencedata.h"
#include "room.h"
#include "roomfeed.h"
#include "usermodel.h"

#include <QAbstractItemModelTester>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace Hallway;
using namespace TestData;

namespace {

const QString kSelf = QStringLiteral("c0000-self");

QString connId(int i) { return QStringLiteral("c%1").arg(i, 4, 10, QLatin1Char('0')); }

// n connections of about 0.8 n people (some on two or three devices, some without a userId),
// with avatars, custom and standard statuses, typing devices, and our own connection.
PresenceSnapshot bigSnapshot(int n)
{
    PresenceSnapshot s;
    s.room = kRoom;
    const int people = n * 4 / 5;
    static const QString statuses[] = {QStringLiteral("online"), QStringLiteral("away"), QStringLiteral("busy"),
                                       QStringLiteral("ready")};
    for (int i = 0; i < n; ++i) {
        const QString id = i == 7 ? kSelf : connId(i);
        const int person = (i * 7919) % people; // devices of one person far apart in the list
        QJsonObject m;
        if (i % 97 != 0) // a few connections without a userId: their own person
            m = meta(QStringLiteral("user%1").arg(person), QStringLiteral("User %1").arg(person));
        if (i % 3 == 0)
            m.insert(QStringLiteral("avatar"), QStringLiteral("https://avatars.example.org/%1.png").arg(person));
        s.members.append({id, m});
        if (i % 5 == 0)
            s.states.insert(id, QJsonObject{{QStringLiteral("status"), QStringLiteral("typing")},
                                            {QStringLiteral("base"), statuses[(i / 5) % 3]}});
        else if (i % 2 == 0)
            s.states.insert(id, QJsonObject{{QStringLiteral("status"), statuses[i % 4]}, {QStringLiteral("seat"), i}});
    }
    return s;
}

void compareModels(const QAbstractItemModel &got, const QAbstractItemModel &want)
{
    QCOMPARE(got.rowCount(), want.rowCount());
    const QList<int> roles = want.roleNames().keys();
    for (int row = 0; row < want.rowCount(); ++row) {
        for (int role : roles) {
            const QVariant a = got.index(row, 0).data(role);
            const QVariant b = want.index(row, 0).data(role);
            if (a != b)
                QFAIL(qPrintable(QStringLiteral("row %1 role %2: %3 != %4")
                                     .arg(row)
                                     .arg(QString::fromUtf8(want.roleNames().value(role)), a.toString(), b.toString())));
        }
    }
}

void compareRooms(Room &got, Room &want)
{
    compareModels(*got.members(), *want.members());
    if (QTest::currentTestFailed())
        return;
    compareModels(*got.users(), *want.users());
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(got.onlineCount(), want.onlineCount());
    QCOMPARE(got.memberCount(), want.memberCount());
    QCOMPARE(got.typingUsers(), want.typingUsers());
    QCOMPARE(got.selfUserId(), want.selfUserId());
}

// Our room, as Session makes it.
struct OurRoom : Room {
    OurRoom() : Room(kRoom) { setSelfConnectionId(kSelf); }
};

// Our room fed through a RoomFeed, and the spy that says when the feed is done.
struct FedRoom {
    OurRoom room;
    RoomFeed feed{&room, 4};
    QSignalSpy loaded{&feed, &RoomFeed::loaded};
};

} // namespace

class TestRoomFeed : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Whole, then people revealed a range at a time: the room ends as the usual way leaves it,
    // the members arrive in one range, and no join line is written.
    void bigFirstSnapshotEndsAsTheUsualWay()
    {
        const PresenceSnapshot snapshot = bigSnapshot(3000);
        OurRoom usual;
        usual.applySnapshot(snapshot);

        OurRoom room;
        QAbstractItemModelTester members(room.members(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        QAbstractItemModelTester people(room.users(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSignalSpy memberRanges(room.members(), &QAbstractItemModel::rowsInserted);
        QSignalSpy peopleRanges(room.users(), &QAbstractItemModel::rowsInserted);
        RoomFeed feed(&room, 4);
        QSignalSpy loaded(&feed, &RoomFeed::loaded);
        feed.applySnapshot(snapshot);
        QVERIFY(feed.isLoading());
        QTRY_COMPARE(loaded.count(), 1);
        QVERIFY(!feed.isLoading());

        QCOMPARE(memberRanges.count(), 1); // made whole: one range
        QCOMPARE(memberRanges.at(0).at(2).toInt(), 2999);
        QVERIFY(peopleRanges.count() >= 1);
        compareRooms(room, usual);
        QVERIFY(room.users()->count() > 2000 && room.users()->count() < 2500);
        QCOMPARE(room.messages()->rowCount(), 0); // quiet: no "joined" lines
    }

    // Events that come while the snapshot is made wait, then apply in order.
    void eventsWaitForTheSnapshot()
    {
        const PresenceSnapshot snapshot = bigSnapshot(2000);
        const QList<PresenceEvent> events{leaveEv(connId(10), 100), stateEv(connId(11), st("busy"), 101),
                                          joinEv(QStringLiteral("c9999"), QStringLiteral("newbie"), QStringLiteral("Newbie"), 102),
                                          leaveEv(connId(12), 103), joinEv(connId(12), QStringLiteral("user12"), QStringLiteral("User 12"), 104)};
        OurRoom usual;
        usual.applySnapshot(snapshot);
        for (const PresenceEvent &e : events)
            usual.apply(e);

        FedRoom fed;
        fed.feed.applySnapshot(snapshot);
        for (const PresenceEvent &e : events)
            fed.feed.apply(e);
        QCOMPARE(fed.room.members()->count(), 0); // nothing applied before the snapshot
        QTRY_COMPARE(fed.loaded.count(), 1);
        compareRooms(fed.room, usual);
    }

    // A newer snapshot while the first is being made: only the newer one counts.
    void newerSnapshotWins()
    {
        const PresenceSnapshot first = bigSnapshot(3000);
        PresenceSnapshot second = bigSnapshot(1500);
        second.members.removeAt(3);
        OurRoom usual;
        usual.applySnapshot(second);

        FedRoom fed;
        fed.feed.applySnapshot(first);
        fed.feed.applySnapshot(second);
        QTRY_VERIFY(fed.loaded.count() >= 1);
        QTRY_VERIFY(!fed.feed.isLoading());
        QTest::qWait(50); // the first one's rows, if still coming, must be dropped
        compareRooms(fed.room, usual);
    }

    // Someone listed directly while the snapshot was made: the room is no longer empty, so the
    // snapshot goes in the usual way, with the same result.
    void roomChangedMeanwhileFallsBack()
    {
        const PresenceSnapshot snapshot = bigSnapshot(2000);
        OurRoom usual;
        usual.ensureSelfListed(meta(QStringLiteral("me"), QStringLiteral("Me")));
        usual.applySnapshot(snapshot);

        FedRoom fed;
        fed.feed.applySnapshot(snapshot);
        fed.room.ensureSelfListed(meta(QStringLiteral("me"), QStringLiteral("Me")));
        QTRY_COMPARE(fed.loaded.count(), 1);
        compareRooms(fed.room, usual);
    }

    // People not revealed yet are not rows and cannot be found; any change to the members
    // first makes them all rows, so nothing is lost or grouped twice.
    void hiddenPeopleAppearBeforeAnyChange()
    {
        MemberModel members;
        UserModel users;
        users.setSource(&members);
        QList<MemberInfo> infos;
        for (int i = 0; i < 6; ++i)
            infos.append({connId(i), meta(QStringLiteral("u%1").arg(i % 4), QStringLiteral("U%1").arg(i % 4))});
        const QList<MemberModel::Member> rows = MemberModel::prepareMembers(infos, {}, false);
        std::optional<MemberModel::Prebuilt> m = MemberModel::prebuild(rows, members.lastSeq(), QString());
        UserModel::Prebuilt p = UserModel::prebuild(rows, members.lastSeq(), QString(), users.groupBy());
        QVERIFY(m);
        QVERIFY(users.adoptHidden(p));
        QVERIFY(members.adopt(*m));
        QCOMPARE(members.count(), 6);
        QCOMPARE(users.count(), 0);
        QCOMPARE(users.hiddenCount(), 4);
        users.revealHidden(1);
        QCOMPARE(users.count(), 1);
        QCOMPARE(users.rowOf("u0"), 0);
        QCOMPARE(users.rowOf("u1"), -1); // hidden
        QVERIFY(!users.find("u1"));

        members.remove(connId(1)); // u1 loses one of its two devices
        QCOMPARE(users.hiddenCount(), 0);
        QCOMPARE(users.count(), 4);
        QCOMPARE(users.index(users.rowOf("u1"), 0).data(UserModel::ConnectionsRole).toInt(), 1);
        QCOMPARE(users.index(users.rowOf("u0"), 0).data(UserModel::ConnectionsRole).toInt(), 2);

        // A repeated id: nothing is made, the caller goes the usual way.
        QList<MemberModel::Member> twice = rows;
        twice.append(rows.first());
        QVERIFY(!MemberModel::prebuild(twice, 0, QString()));
        QList<MemberModel::Member> unnamed = rows;
        unnamed[3].connectionId.clear(); // an empty id: the same
        QVERIFY(!MemberModel::prebuild(unnamed, 0, QString()));
    }
};

QTEST_MAIN(TestRoomFeed)
#include "tst_roomfeed.moc"
