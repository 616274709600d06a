// UserModel: grouping (userId, groupBy, key functions), the merge rule, the grace period,
// and that every member change reaches the people as one role-precise signal.
#include "identity.h"
#include "membermodel.h"
#include "presencedata.h"
#include "usermodel.h"

#include <QAbstractItemModelTester>
#include <QJSEngine>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace Hallway;

using namespace TestData;

namespace {
UserModel::Device dev(const QString &status, quint64 seq)
{
    UserModel::Device d;
    d.status = status;
    d.typing = status == QLatin1String("typing");
    d.seq = seq;
    return d;
}
QVariant userData(const UserModel &m, const QString &key, int role)
{
    return m.index(m.rowOf(key), 0).data(role);
}
} // namespace

class TestUserModel : public QObject
{
    Q_OBJECT

    qint64 m_now = 0;
    Clock clock() { return [this] { return m_now; }; }

private Q_SLOTS:
    void init() { m_now = 1000; }

    void mergeRule()
    {
        using D = QList<UserModel::Device>;
        // Typing is not a status (rule a): devices reach the merge with their base status.
        // 2. custom: the newest custom status
        QCOMPARE(UserModel::mergeStatus(D{dev("ready", 5), dev("spectating", 3), dev("online", 9)}), QStringLiteral("ready"));
        QCOMPARE(UserModel::mergeStatus(D{dev("ready", 1), dev("spectating", 3), dev("busy", 9)}), QStringLiteral("spectating"));
        // 3. most available: online > busy > away
        QCOMPARE(UserModel::mergeStatus(D{dev("away", 1), dev("online", 2)}), QStringLiteral("online"));
        QCOMPARE(UserModel::mergeStatus(D{dev("away", 3), dev("busy", 2)}), QStringLiteral("busy"));
        QCOMPARE(UserModel::mergeStatus(D{dev("away", 3), dev("away", 2)}), QStringLiteral("away"));
        QCOMPARE(UserModel::mergeStatus(D{dev("busy", 1), dev("online", 2)}), QStringLiteral("online"));
        QCOMPARE(UserModel::statusRank("online"), 0);
        QCOMPARE(UserModel::statusRank("typing"), 0);
        // People sections read Online, Away, Busy.
        QCOMPARE(UserModel::statusRank("away"), 1);
        QCOMPARE(UserModel::statusRank("busy"), 2);
        QVERIFY(UserModel::statusRank("online") < UserModel::statusRank("away"));
        QVERIFY(UserModel::statusRank("away") < UserModel::statusRank("busy"));
        QCOMPARE(UserModel::statusRank("ready"), 0);
    }

    void groupsByUserId()
    {
        MemberModel members;
        UserModel users;
        users.setClock(clock());
        users.setSource(&members);
        QAbstractItemModelTester tester(&users, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSignalSpy inserted(&users, &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(&users, &QAbstractItemModel::dataChanged);
        QSignalSpy reset(&users, &QAbstractItemModel::modelReset);

        members.insert("a1", meta("alice", "Alice Liddell"));
        members.insert("a2", meta("alice", "Alice Liddell"), st("away"));
        members.insert("b1", meta("bob", "Bob"), st("busy"));
        QCOMPARE(users.rowCount(), 2);
        QCOMPARE(inserted.count(), 2);
        QCOMPARE(changed.count(), 1); // alice's second device: one dataChanged
        QCOMPARE(userData(users, "alice", UserModel::ConnectionsRole).toInt(), 2);
        QCOMPARE(userData(users, "alice", UserModel::StatusRole).toString(), QStringLiteral("online"));
        QCOMPARE(userData(users, "alice", UserModel::InitialsRole).toString(), QStringLiteral("AL"));
        QCOMPARE(userData(users, "bob", UserModel::InitialsRole).toString(), QStringLiteral("B"));
        QCOMPARE(userData(users, "bob", UserModel::StatusRankRole).toInt(), 2); // busy
        QCOMPARE(userData(users, "alice", UserModel::StatusRankRole).toInt(), 0);
        const int hue = userData(users, "alice", UserModel::HueRole).toInt();
        QVERIFY(hue >= 0 && hue < 360);
        QCOMPARE(hue, UserModel::hueFor("alice"));
        QCOMPARE(UserModel::colorSeedFor("alice"), 0x872213e7u); // FNV-1a: the same on every run and machine
        QCOMPARE(hue, 239);
        QVERIFY(UserModel::colorSeedFor("alice") != UserModel::colorSeedFor("bob"));
        QVERIFY(!users.index(0, 0).data(Qt::UserRole + 500).isValid());

        // A state change on one device: one dataChanged with only the changed roles.
        changed.clear();
        members.setState("a1", st("typing"));
        QCOMPARE(changed.count(), 1);
        QList<int> roles = changed.at(0).at(2).value<QList<int>>();
        QVERIFY(!roles.contains(UserModel::StatusRole)); // typing is a flag (rule a)
        QVERIFY(roles.contains(UserModel::TypingRole));
        QVERIFY(!roles.contains(UserModel::NameRole));
        QVERIFY(!roles.contains(UserModel::ConnectionsRole));
        QVERIFY(userData(users, "alice", UserModel::TypingRole).toBool());

        // Merged state: newest keys win, status is the merged one.
        members.setState("a2", QJsonObject{{"status", "away"}, {"game", "chess"}});
        const QVariantMap state = userData(users, "alice", UserModel::StateRole).toMap();
        QCOMPARE(state.value("status").toString(), QStringLiteral("online")); // one device typing, one away
        QVERIFY(userData(users, "alice", UserModel::TypingRole).toBool());
        QCOMPARE(state.value("game").toString(), QStringLiteral("chess"));

        // Leaving device: connections drops, row stays.
        members.remove("a1");
        QCOMPARE(userData(users, "alice", UserModel::ConnectionsRole).toInt(), 1);
        QCOMPARE(userData(users, "alice", UserModel::StatusRole).toString(), QStringLiteral("away"));
        QCOMPARE(reset.count(), 0);
    }

    // Three devices: each key of the merged state comes from the newest device that has it,
    // whatever order the devices joined in.
    void mergedStateTakesEachKeyFromTheNewestDevice()
    {
        MemberModel members;
        UserModel users;
        users.setSource(&members);
        members.insert("a1", meta("alice", "Alice"), QJsonObject{{"status", "online"}, {"game", "chess"}, {"seat", 1}});
        members.insert("a2", meta("alice", "Alice"), QJsonObject{{"status", "away"}, {"seat", 2}});
        members.insert("a3", meta("alice", "Alice"), QJsonObject{{"status", "away"}, {"mood", "calm"}});
        QVariantMap state = userData(users, "alice", UserModel::StateRole).toMap();
        QCOMPARE(state.value("game").toString(), QStringLiteral("chess")); // only the oldest has it
        QCOMPARE(state.value("seat").toInt(), 2);                          // the newer of two
        QCOMPARE(state.value("mood").toString(), QStringLiteral("calm"));
        QCOMPARE(state.value("status").toString(), QStringLiteral("online")); // the merged status

        members.setState("a1", QJsonObject{{"status", "online"}, {"seat", 7}}); // a1 is now the newest
        state = userData(users, "alice", UserModel::StateRole).toMap();
        QCOMPARE(state.value("seat").toInt(), 7);
        QVERIFY(!state.contains("game")); // nobody has it any more
        QCOMPARE(state.value("mood").toString(), QStringLiteral("calm"));
    }

    // A snapshot arrives as one range: people not listed yet are one inserted range, people
    // already listed get a dataChanged for their new device, and every count is right.
    void snapshotRangeInsertsPeopleAtOnce()
    {
        MemberModel members;
        UserModel users;
        users.setClock(clock());
        users.setSource(&members);
        QAbstractItemModelTester tester(&users, QAbstractItemModelTester::FailureReportingMode::Fatal);
        members.insert("a1", meta("alice", "Alice"));
        QSignalSpy inserted(&users, &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(&users, &QAbstractItemModel::dataChanged);
        QSignalSpy added(&users, &UserModel::personAdded);

        const QList<MemberInfo> snapshot{
            {QStringLiteral("a2"), meta("alice", "Alice")},
            {QStringLiteral("b1"), meta("bob", "Bob")},
            {QStringLiteral("b2"), meta("bob", "Bob")},
            {QStringLiteral("c1"), meta("carol", "Carol")},
            {QStringLiteral("a1"), meta("alice", "Alice")}, // already present: skipped
        };
        const QStringList ids = members.insertMany(snapshot, QJsonObject{{QStringLiteral("c1"), st("typing")}});
        QCOMPARE(ids, (QStringList{"a2", "b1", "b2", "c1"}));
        QCOMPARE(members.rowCount(), 5);
        QCOMPARE(users.rowCount(), 3);
        QCOMPARE(inserted.count(), 1);                             // bob and carol, one range
        QCOMPARE(inserted.first().at(1).toInt(), 1);
        QCOMPARE(inserted.first().at(2).toInt(), 2);
        QCOMPARE(added.count(), 2);
        QCOMPARE(changed.count(), 1);                              // alice's second device
        QCOMPARE(userData(users, "alice", UserModel::ConnectionsRole).toInt(), 2);
        QCOMPARE(userData(users, "bob", UserModel::ConnectionsRole).toInt(), 2);
        QCOMPARE(userData(users, "carol", UserModel::TypingRole).toBool(), true);
        QCOMPARE(members.insertMany(snapshot, {}), QStringList()); // idempotent
    }

    void customStateNewestWins()
    {
        MemberModel members;
        UserModel users;
        users.setSource(&members);
        QAbstractItemModelTester tester(&users, QAbstractItemModelTester::FailureReportingMode::Fatal);
        members.insert("a1", meta("alice"), st("ready"));
        members.insert("a2", meta("alice"), st("spectating"));
        QCOMPARE(userData(users, "alice", UserModel::StatusRole).toString(), QStringLiteral("spectating"));
        members.setState("a1", st("ready")); // same state again: not newer
        QCOMPARE(userData(users, "alice", UserModel::StatusRole).toString(), QStringLiteral("spectating"));
        members.setState("a1", st("lobby"));
        QCOMPARE(userData(users, "alice", UserModel::StatusRole).toString(), QStringLiteral("lobby"));
        QCOMPARE(userData(users, "alice", UserModel::StatusRankRole).toInt(), 0);
    }

    void groupByField()
    {
        MemberModel members;
        UserModel users;
        users.setSource(&members);
        users.setGroupBy("team");
        QAbstractItemModelTester tester(&users, QAbstractItemModelTester::FailureReportingMode::Fatal);
        members.insert("a1", meta("alice", "Alice", "red"));
        members.insert("b1", meta("bob", "Bob", "red"));
        members.insert("c1", meta("carol", "Carol", "blue"));
        QCOMPARE(users.rowCount(), 2);
        QCOMPARE(userData(users, "red", UserModel::ConnectionsRole).toInt(), 2);
        QCOMPARE(userData(users, "blue", UserModel::ConnectionsRole).toInt(), 1);
        users.setGroupBy(QString()); // back to userId
        QCOMPARE(users.rowCount(), 3);
    }

    void keyFunctionCpp()
    {
        MemberModel members;
        UserModel users;
        users.setKeyFunction([](const QJsonValue &metadata, const QString &connectionId) {
            Q_UNUSED(connectionId);
            return metadata.toObject().value("userId").toString().toLower();
        });
        users.setSource(&members);
        QAbstractItemModelTester tester(&users, QAbstractItemModelTester::FailureReportingMode::Fatal);
        members.insert("a1", meta("Alice"));
        members.insert("a2", meta("ALICE"));
        QCOMPARE(users.rowCount(), 1);
        QCOMPARE(users.index(0, 0).data(UserModel::UserIdRole).toString(), QStringLiteral("alice"));
        // Per connection (the key function sees the connection id)
        users.setKeyFunction([](const QJsonValue &, const QString &connectionId) { return connectionId; });
        QCOMPARE(users.rowCount(), 2);
    }

    void keyFunctionJs()
    {
        QJSEngine engine;
        MemberModel members;
        auto *users = new UserModel(&members); // parented: stays C++-owned
        QJSEngine::setObjectOwnership(users, QJSEngine::CppOwnership);
        engine.globalObject().setProperty("users", engine.newQObject(users));
        users->setSource(&members);
        members.insert("a1", meta("alice", "Alice", "red"));
        members.insert("b1", meta("bob", "Bob", "red"));
        QCOMPARE(users->rowCount(), 2);
        const QJSValue result = engine.evaluate(
            "users.keyFunction = function(metadata, connectionId) { return metadata.team + ':' + connectionId.length }");
        QVERIFY2(!result.isError(), qPrintable(result.toString()));
        QCOMPARE(users->rowCount(), 1);
        QCOMPARE(users->index(0, 0).data(UserModel::UserIdRole).toString(), QStringLiteral("red:2"));
        members.insert("c1", meta("carol", "Carol", "blue"));
        QCOMPARE(users->rowCount(), 2);
        QVERIFY(users->rowOf("blue:2") >= 0);
    }

    void metadataArrivingLateRegroups()
    {
        MemberModel members;
        UserModel users;
        users.setClock(clock());
        users.setSource(&members);
        QAbstractItemModelTester tester(&users, QAbstractItemModelTester::FailureReportingMode::Fatal);
        members.insert("a1", meta("alice", "Alice"));
        members.insert("a2", QJsonValue()); // unknown yet: its own person
        QCOMPARE(users.rowCount(), 2);
        QSignalSpy removed(&users, &UserModel::personRemoved);
        members.setMetadata("a2", meta("alice", "Alice"));
        QCOMPARE(users.rowCount(), 1); // placeholder gone at once, no grace
        QCOMPARE(removed.count(), 1);
        QCOMPARE(userData(users, "alice", UserModel::ConnectionsRole).toInt(), 2);
    }

    void gracePeriod()
    {
        MemberModel members;
        UserModel users;
        users.setClock(clock());
        users.setGraceMs(3000);
        users.setSource(&members);
        QAbstractItemModelTester tester(&users, QAbstractItemModelTester::FailureReportingMode::Fatal);
        members.insert("a1", meta("alice", "Alice"), st("busy"));
        members.insert("b1", meta("bob", "Bob"));
        QSignalSpy inserted(&users, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&users, &QAbstractItemModel::rowsRemoved);
        QSignalSpy added(&users, &UserModel::personAdded);
        QSignalSpy gone(&users, &UserModel::personRemoved);

        // Alice's only device leaves and a new one comes back within the grace period.
        members.remove("a1");
        QCOMPARE(users.rowCount(), 2);
        QCOMPARE(userData(users, "alice", UserModel::StatusRole).toString(), QStringLiteral("busy")); // unchanged
        QCOMPARE(userData(users, "alice", UserModel::ConnectionsRole).toInt(), 0);
        m_now += 2000;
        users.processTimers();
        QCOMPARE(users.rowCount(), 2);
        members.insert("a9", meta("alice", "Alice"), st("busy"));
        m_now += 5000;
        users.processTimers();
        QCOMPARE(users.rowCount(), 2);
        QCOMPARE(inserted.count(), 0);
        QCOMPARE(removed.count(), 0);
        QCOMPARE(added.count(), 0);
        QCOMPARE(userData(users, "alice", UserModel::ConnectionsRole).toInt(), 1);

        // Bob leaves for good: removed when the grace ends, not before.
        members.remove("b1");
        m_now += 2999;
        users.processTimers();
        QCOMPARE(users.rowCount(), 2);
        m_now += 1;
        users.processTimers();
        QCOMPARE(users.rowCount(), 1);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(gone.count(), 1);
        QCOMPARE(gone.at(0).at(0).toString(), QStringLiteral("bob"));
        // Coming back after the grace is a new person.
        members.insert("b2", meta("bob", "Bob"));
        QCOMPARE(added.count(), 1);
    }

    // Rules a, d, e (usermodel.h): a busy person who types stays busy and in place; an away
    // typist is away-and-typing; "online" counts rank 0 only.
    void presenceRules()
    {
        MemberModel members;
        UserModel users;
        users.setSource(&members);
        QAbstractItemModelTester tester(&users, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSignalSpy available(&users, &UserModel::availableCountChanged);
        members.insert("a1", meta("alice", "Alice"), st("busy"));
        members.insert("b1", meta("bob", "Bob"), st("away"));
        members.insert("c1", meta("carol", "Carol"));
        members.insert("d1", meta("dan", "Dan"), st("ready"));
        QCOMPARE(users.count(), 4);
        QCOMPARE(users.availableCount(), 2); // carol (online) and dan (custom)

        QSignalSpy changed(&users, &QAbstractItemModel::dataChanged);
        members.setState("a1", QJsonObject{{"status", "typing"}, {"base", "busy"}});
        QCOMPARE(userData(users, "alice", UserModel::StatusRole).toString(), QStringLiteral("busy"));
        QCOMPARE(userData(users, "alice", UserModel::StatusRankRole).toInt(), 2);
        QVERIFY(userData(users, "alice", UserModel::TypingRole).toBool());
        for (const auto &c : changed) // never a status or rank change: the list does not reorder
            QVERIFY(!c.at(2).value<QList<int>>().contains(UserModel::StatusRankRole));
        members.setState("a1", st("busy"));
        QCOMPARE(userData(users, "alice", UserModel::StatusRole).toString(), QStringLiteral("busy"));
        QVERIFY(!userData(users, "alice", UserModel::TypingRole).toBool());

        members.setState("b1", QJsonObject{{"status", "typing"}, {"base", "away"}});
        QCOMPARE(userData(users, "bob", UserModel::StatusRole).toString(), QStringLiteral("away"));
        QVERIFY(userData(users, "bob", UserModel::TypingRole).toBool());
        QCOMPARE(users.availableCount(), 2);

        // Coming back from away counts; going busy does not; leaving for good does not.
        available.clear();
        members.setState("b1", st("online"));
        QCOMPARE(users.availableCount(), 3);
        members.setState("c1", st("busy"));
        QCOMPARE(users.availableCount(), 2);
        QCOMPARE(available.count(), 2);
        users.setGraceMs(0);
        members.remove("d1");
        QCOMPARE(users.availableCount(), 1);
    }

    // Rule g: while our link is down nobody's grace ends; released, they get the outage grace.
    void heldGraceDuringOutage()
    {
        MemberModel members;
        UserModel users;
        users.setClock(clock());
        users.setGraceMs(3000);
        users.setSource(&members);
        members.insert("a1", meta("alice", "Alice"));
        QSignalSpy gone(&users, &UserModel::personRemoved);
        members.remove("a1"); // e.g. a server's graceful shutdown took her out first
        users.setHeld(true, 0);
        m_now += 60000;
        users.processTimers();
        QCOMPARE(users.count(), 1);
        QCOMPARE(gone.count(), 0);
        users.setHeld(false, 15000);
        m_now += 14999;
        users.processTimers();
        QCOMPARE(users.count(), 1);
        members.insert("a2", meta("alice", "Alice")); // back on her new connection: same row
        QCOMPARE(users.count(), 1);
        QCOMPARE(userData(users, "alice", UserModel::ConnectionsRole).toInt(), 1);
        members.remove("a2");
        m_now += 3000;
        users.processTimers();
        QCOMPARE(gone.count(), 1);
    }

    void graceWithRealTimer()
    {
        MemberModel members;
        UserModel users;
        users.setGraceMs(30);
        users.setSource(&members);
        members.insert("a1", meta("alice"));
        members.remove("a1");
        QCOMPARE(users.rowCount(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(users.rowCount(), 0, 2000);
    }

    void reconnectDiffNoFlicker()
    {
        // A reconnect replaces our connection id: the new one is inserted before the old is
        // removed (Room's diff order), so the person row only changes its device count.
        MemberModel members;
        UserModel users;
        users.setSource(&members);
        QAbstractItemModelTester tester(&users, QAbstractItemModelTester::FailureReportingMode::Fatal);
        members.insert("old", meta("me"));
        QSignalSpy inserted(&users, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&users, &QAbstractItemModel::rowsRemoved);
        QSignalSpy reset(&users, &QAbstractItemModel::modelReset);
        members.insert("new", meta("me"));
        members.remove("old");
        QCOMPARE(inserted.count(), 0);
        QCOMPARE(removed.count(), 0);
        QCOMPARE(reset.count(), 0);
        QCOMPARE(users.find("me")->devices.size(), 1);
    }

    void initials()
    {
        QCOMPARE(UserModel::initialsFor("alice"), QStringLiteral("A"));
        QCOMPARE(UserModel::initialsFor("  jean   luc picard "), QStringLiteral("JP"));
        QCOMPARE(UserModel::initialsFor(""), QString());
        QCOMPARE(UserModel::initialsFor(QString::fromUtf8("\xc3\xa9mile zola")), QString::fromUtf8("\xc3\x89Z"));
        // Only letters count: markup, punctuation, digits and emoji are skipped.
        QCOMPARE(UserModel::initialsFor("Bob <b>Builder</b>"), QStringLiteral("BB"));
        QCOMPARE(UserModel::initialsFor("<b>x</b>"), QStringLiteral("B"));
        QCOMPARE(UserModel::initialsFor("(ada) 42 lovelace!"), QStringLiteral("AL"));
        QCOMPARE(UserModel::initialsFor("ada 2000"), QStringLiteral("A"));
        QCOMPARE(UserModel::initialsFor(QString::fromUtf8("\xf0\x9f\x98\x80 smile")), QStringLiteral("S"));
        QCOMPARE(UserModel::initialsFor("<> 123 ..."), QString());
        // A letter outside the BMP stays whole (surrogate pair), upper-cased: U+10428 -> U+10400.
        QCOMPARE(UserModel::initialsFor(QString::fromUtf8("\xf0\x90\x90\xa8" "ee smith")),
                 QString::fromUtf8("\xf0\x90\x90\x80S"));
        // The model and MessageModel share identity.h: same letters, same hue.
        QCOMPARE(UserModel::initialsFor("Grace Hopper"), Hallway::initialsFor("Grace Hopper"));
        QCOMPARE(UserModel::hueFor("grace"), Hallway::hueForKey("grace"));
    }
};

QTEST_GUILESS_MAIN(TestUserModel)
#include "tst_usermodel.moc"
