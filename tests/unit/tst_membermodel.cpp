// MemberModel: one row per connection, O(1) lookup, idempotent mutators, role-precise signals.
#include "membermodel.h"
#include "presencedata.h"

#include <QAbstractItemModelTester>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace Hallway;

using namespace TestData;

namespace {
QList<int> rolesOf(const QSignalSpy &spy, int i) { return spy.at(i).at(2).value<QList<int>>(); }
} // namespace

class TestMemberModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void insertAndLookup()
    {
        MemberModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QVERIFY(model.insert("c1", meta("alice", "Alice")));
        QVERIFY(model.insert("c2", meta("bob"), st("away")));
        QVERIFY(!model.insert("c1", meta("alice", "Alice"))); // idempotent
        QCOMPARE(inserted.count(), 2);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.rowOf("c2"), 1);
        QCOMPARE(model.find("c1")->name, QStringLiteral("Alice"));
        const QModelIndex b = model.index(1, 0);
        QCOMPARE(b.data(MemberModel::NameRole).toString(), QStringLiteral("bob")); // name falls back to userId
        QCOMPARE(b.data(MemberModel::StatusRole).toString(), QStringLiteral("away"));
        QCOMPARE(model.index(0, 0).data(MemberModel::StatusRole).toString(), QStringLiteral("online"));
        QCOMPARE(b.data(MemberModel::StateRole).toMap().value("status").toString(), QStringLiteral("away"));
        QVERIFY(!b.data(Qt::UserRole + 999).isValid()); // unknown role: {}
        QVERIFY(!b.data(Qt::UserRole).isValid());
        QCOMPARE(model.roleNames().value(MemberModel::ConnectionIdRole), QByteArray("connectionId"));
        QVERIFY(MemberModel::ConnectionIdRole == Qt::UserRole + 1);
    }

    void removeReindexes()
    {
        MemberModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        for (int i = 0; i < 5; ++i)
            model.insert(QStringLiteral("c%1").arg(i), meta(QStringLiteral("u%1").arg(i)));
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QVERIFY(model.remove("c1"));
        QVERIFY(!model.remove("c1")); // a second leave changes nothing
        QCOMPARE(removed.count(), 1);
        QCOMPARE(reset.count(), 0);
        QCOMPARE(model.rowCount(), 4);
        for (int r = 0; r < model.rowCount(); ++r)
            QCOMPARE(model.rowOf(model.at(r).connectionId), r);
        QCOMPARE(model.rowOf("c4"), 3);
        QVERIFY(!model.contains("c1"));
    }

    // usermodel.h, rule a: typing keeps the status it was typed in.
    void typingKeepsItsBaseStatus()
    {
        MemberModel model;
        model.insert("c1", meta("alice"), st("busy"));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QList<int> roles = model.setState("c1", QJsonObject{{"status", "typing"}, {"base", "busy"}});
        QCOMPARE(model.find("c1")->status, QStringLiteral("busy"));
        QVERIFY(model.find("c1")->typing);
        QVERIFY(roles.contains(MemberModel::TypingRole));
        QVERIFY(!roles.contains(MemberModel::StatusRole));
        model.setState("c1", QJsonObject{{"status", "typing"}, {"base", "away"}});
        QCOMPARE(model.find("c1")->status, QStringLiteral("away"));
        QVERIFY(model.find("c1")->typing);
        // A typing state without a usable base (other clients) is online + typing.
        model.setState("c1", QJsonObject{{"status", "typing"}, {"base", "typing"}});
        QCOMPARE(model.find("c1")->status, QStringLiteral("online"));
        QVERIFY(model.find("c1")->typing);
        // The local expiry ends typing, never the status.
        model.setState("c1", QJsonObject{{"status", "typing"}, {"base", "busy"}});
        QVERIFY(model.expireTyping("c1"));
        QCOMPARE(model.find("c1")->status, QStringLiteral("busy"));
        QVERIFY(!model.find("c1")->typing);
        QCOMPARE(MemberModel::baseStatusOf(QJsonObject{{"status", "ready"}}), QStringLiteral("ready"));
    }

    void stateChangeIsRolePrecise()
    {
        MemberModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.insert("c1", meta("alice"));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);

        QList<int> roles = model.setState("c1", st("typing"));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(roles, rolesOf(changed, 0));
        QVERIFY(!roles.contains(MemberModel::StatusRole)); // typing is a flag: still "online"
        QCOMPARE(model.find("c1")->status, QStringLiteral("online"));
        QVERIFY(roles.contains(MemberModel::TypingRole));
        QVERIFY(roles.contains(MemberModel::StateRole));
        QVERIFY(!roles.contains(MemberModel::NameRole));

        QVERIFY(model.setState("c1", st("typing")).isEmpty()); // repeated: nothing
        QCOMPARE(changed.count(), 1);

        // Custom state with the same... a game state without status stays "online".
        roles = model.setState("c1", QJsonObject{{"x", 1}});
        QCOMPARE(model.find("c1")->status, QStringLiteral("online"));
        QVERIFY(roles.contains(MemberModel::StateRole));
        roles = model.setState("c1", QJsonObject{{"x", 2}});
        QCOMPARE(roles, QList<int>{MemberModel::StateRole}); // status unchanged: only state
        roles = model.setState("c1", st("ready"));
        QCOMPARE(model.index(0, 0).data(MemberModel::StatusRole).toString(), QStringLiteral("ready"));
        QVERIFY(!model.index(0, 0).data(MemberModel::TypingRole).toBool());
        model.setState("c1", QJsonValue()); // cleared
        QCOMPARE(model.find("c1")->status, QStringLiteral("online"));
        QVERIFY(model.setState("nobody", st("away")).isEmpty());
        QCOMPARE(reset.count(), 0);
    }

    void typingExpiry()
    {
        MemberModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.insert("c1", meta("alice"), st("typing"));
        QVERIFY(model.find("c1")->typing);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QVERIFY(model.expireTyping("c1"));
        QVERIFY(!model.find("c1")->typing);
        QCOMPARE(model.find("c1")->status, QStringLiteral("online"));
        QVERIFY(!model.expireTyping("c1"));
        QCOMPARE(changed.count(), 1);
        // The same typing state arriving again revives it.
        const QList<int> roles = model.setState("c1", st("typing"));
        QVERIFY(roles.contains(MemberModel::TypingRole));
        QVERIFY(!roles.contains(MemberModel::StateRole)); // the raw state did not change
        QVERIFY(model.find("c1")->typing);
    }

    void metadataAndSelf()
    {
        MemberModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.insert("c1", QJsonValue()); // metadata unknown yet
        model.insert("c2", meta("bob"));
        QCOMPARE(model.find("c1")->userId, QString());
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        const QList<int> roles = model.setMetadata("c1", meta("alice", "Alice"));
        QVERIFY(roles.contains(MemberModel::UserIdRole) && roles.contains(MemberModel::NameRole));
        QVERIFY(!roles.contains(MemberModel::AvatarRole));
        QVERIFY(model.setMetadata("c1", meta("alice", "Alice")).isEmpty());

        changed.clear();
        model.setSelfConnectionId("c2");
        QCOMPARE(changed.count(), 1);
        QCOMPARE(rolesOf(changed, 0), QList<int>{MemberModel::IsSelfRole});
        QVERIFY(model.find("c2")->isSelf);
        model.setSelfConnectionId("c1"); // after a reconnect: new id
        QCOMPARE(changed.count(), 3);
        QVERIFY(!model.find("c2")->isSelf);
        QVERIFY(model.find("c1")->isSelf);
        model.insert("c3", meta("carol"));
        QVERIFY(!model.find("c3")->isSelf);
        QCOMPARE(model.get(0).value("isSelf").toBool(), true);
    }

    void avatarsAreHttpsOnly_data()
    {
        QTest::addColumn<QString>("avatar");
        QTest::addColumn<QString>("expected");
        QTest::newRow("https") << "https://example.org/a.png" << "https://example.org/a.png";
        QTest::newRow("file") << "file:///etc/passwd" << "";
        QTest::newRow("plain http") << "http://192.168.1.10/a.png" << "";
        QTest::newRow("data") << "data:image/png;base64,AAAA" << "";
        QTest::newRow("relative") << "/a.png" << "";
        QTest::newRow("qrc") << "qrc:/icons/hallway.svg" << "";
        QTest::newRow("credentials") << "https://user:pw@example.org/a.png" << "";
        QTest::newRow("too long") << QString(QStringLiteral("https://example.org/") + QString(3000, QLatin1Char('a'))) << "";
    }

    void avatarsAreHttpsOnly()
    {
        QFETCH(QString, avatar);
        QFETCH(QString, expected);
        MemberModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QJsonObject m = meta("ada", "Ada");
        m.insert("avatar", avatar);
        model.insert("c1", m);
        QCOMPARE(model.find("c1")->avatar, expected);
        QCOMPARE(model.index(0, 0).data(MemberModel::AvatarRole).toString(), expected);
        // The raw metadata is kept as it came (it is shown nowhere as a URL).
        QCOMPARE(model.find("c1")->metadata.toObject().value("avatar").toString(), avatar);

        // Arriving later through setMetadata: the same rule, and a refused URL is no change.
        model.insert("c2", meta("bob", "Bob"));
        QJsonObject later = meta("bob", "Bob");
        later.insert("avatar", avatar);
        const QList<int> roles = model.setMetadata("c2", later);
        QCOMPARE(model.find("c2")->avatar, expected);
        QCOMPARE(roles.contains(MemberModel::AvatarRole), !expected.isEmpty());
    }

    void httpAvatarsWhenOptedIn()
    {
        MemberModel model;
        QVERIFY(!model.allowHttpAvatars());
        model.setAllowHttpAvatars(true);
        QJsonObject m = meta("ada", "Ada");
        m.insert("avatar", "http://localhost:8080/ada.png");
        model.insert("c1", m);
        QCOMPARE(model.find("c1")->avatar, QStringLiteral("http://localhost:8080/ada.png"));
        QJsonObject f = meta("bob", "Bob");
        f.insert("avatar", "file:///tmp/x.png");
        model.insert("c2", f);
        QCOMPARE(model.find("c2")->avatar, QString()); // never file:, even when http is allowed
    }
};

QTEST_GUILESS_MAIN(TestMemberModel)
#include "tst_membermodel.moc"
