// MessageModel: history tail, de-duplication (replay, echo vs pending), retry, cap, headers.
#include "identity.h"
#include "messagemodel.h"
#include "usermodel.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace Hallway;

namespace {
QJsonObject msg(const QString &id, const QString &from, const QString &text, qint64 ts, const QString &clientId = QString())
{
    QJsonObject o{{"id", id}, {"from", from}, {"name", from.toUpper()}, {"connectionId", QString("c-" + from)},
                  {"text", text}, {"ts", double(ts)}};
    if (!clientId.isEmpty())
        o.insert("clientId", clientId);
    return o;
}
const qint64 T0 = 1700000000000;
} // namespace

class TestMessageModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void historyAndReplay()
    {
        MessageModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setSelfUserId("me");
        QJsonArray history;
        for (int i = 0; i < 5; ++i)
            history.append(msg(QStringLiteral("m%1").arg(i), i % 2 ? "me" : "bob", QStringLiteral("t%1").arg(i), T0 + i));
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QCOMPARE(model.addHistory(history), 5);
        QCOMPARE(inserted.count(), 1); // one ranged insert
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.index(0, 0).data(MessageModel::TextRole).toString(), QStringLiteral("t0"));
        QVERIFY(model.index(1, 0).data(MessageModel::OwnRole).toBool());
        QVERIFY(!model.index(0, 0).data(MessageModel::OwnRole).toBool());
        QCOMPARE(model.index(0, 0).data(MessageModel::TimestampRole).toDateTime().toMSecsSinceEpoch(), T0);
        QCOMPARE(model.index(0, 0).data(MessageModel::KindRole).toString(), QStringLiteral("message"));
        QVERIFY(!model.index(0, 0).data(Qt::UserRole + 77).isValid());

        // Reconnect: the same history replays, plus one message we missed.
        history.append(msg("m5", "bob", "t5", T0 + 5));
        QCOMPARE(model.addHistory(history), 1);
        QCOMPARE(model.rowCount(), 6);
        // A live copy of a known message is dropped too.
        QVERIFY(!model.addLive(msg("m3", "me", "t3", T0 + 3)));
        QCOMPARE(model.rowCount(), 6);
    }

    void historyKeepsTail()
    {
        MessageModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setMaxRows(3);
        QJsonArray history;
        for (int i = 0; i < 10; ++i)
            history.append(msg(QStringLiteral("m%1").arg(i), "bob", QStringLiteral("t%1").arg(i), T0 + i));
        model.addHistory(history);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.at(0).text, QStringLiteral("t7"));
        QCOMPARE(model.at(2).text, QStringLiteral("t9"));
        // Live messages beyond the cap drop the oldest row.
        model.addLive(msg("m10", "bob", "t10", T0 + 10));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.at(0).text, QStringLiteral("t8"));
        QCOMPARE(model.rowOfMessage("m10"), 2);
        QCOMPARE(model.rowOfMessage("m7"), -1);
        QCOMPARE(model.rowOfMessage("m8"), 0);
        QCOMPARE(model.index(0, 0).data(MessageModel::ShowHeaderRole).toBool(), true);
    }

    void olderHistoryMergesInOrder()
    {
        MessageModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.addLive(msg("m9", "bob", "late", T0 + 90));
        model.addHistory(QJsonArray{msg("m1", "ann", "a", T0 + 10), msg("m9", "bob", "late", T0 + 90)});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.at(0).messageId, QStringLiteral("m1"));
        QCOMPARE(model.rowOfMessage("m9"), 1);
    }

    void ownSendEchoFirst()
    {
        MessageModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setSelfUserId("me");
        const QString localId = model.addPending("hello", "me", "Me");
        QCOMPARE(model.rowCount(), 1);
        QVERIFY(model.index(0, 0).data(MessageModel::PendingRole).toBool());
        QVERIFY(model.index(0, 0).data(MessageModel::OwnRole).toBool());
        QCOMPARE(model.index(0, 0).data(MessageModel::LocalIdRole).toString(), localId);
        const QString clientId = model.at(0).clientId;
        QVERIFY(!clientId.isEmpty());

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        // The live echo (with our clientId) arrives before the command's reply.
        QVERIFY(model.addLive(msg("srv1", "me", "hello", T0, clientId)));
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(inserted.count(), 0);
        QCOMPARE(changed.count(), 1);
        const QList<int> roles = changed.at(0).at(2).value<QList<int>>();
        QVERIFY(roles.contains(MessageModel::PendingRole));
        QVERIFY(roles.contains(MessageModel::MessageIdRole));
        QVERIFY(!roles.contains(MessageModel::TextRole));
        QVERIFY(!model.at(0).pending);
        QCOMPARE(model.at(0).messageId, QStringLiteral("srv1"));
        // Then the reply: nothing more.
        model.markSent(localId, QJsonObject{{"ok", true}, {"id", "srv1"}, {"ts", double(T0)}});
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.rowOfLocal(localId), 0);
        // And a history replay after a reconnect: still one row.
        QCOMPARE(model.addHistory(QJsonArray{msg("srv1", "me", "hello", T0, clientId)}), 0);
        QCOMPARE(model.rowCount(), 1);
    }

    void ownSendReplyFirst()
    {
        MessageModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        const QString localId = model.addPending("hello", "me", "Me");
        const QString clientId = model.at(0).clientId;
        model.markSent(localId, QJsonObject{{"ok", true}, {"id", "srv1"}, {"ts", double(T0)}});
        QVERIFY(!model.at(0).pending);
        QCOMPARE(model.at(0).tsMs, T0);
        QVERIFY(!model.addLive(msg("srv1", "me", "hello", T0, clientId)) || model.rowCount() == 1);
        QCOMPARE(model.rowCount(), 1);
    }

    void echoWithoutClientIdMergesOnReply()
    {
        // A server that drops clientId: the echo is listed first; the reply then merges.
        MessageModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        const QString localId = model.addPending("hello", "me", "Me");
        model.addLive(msg("srv1", "me", "hello", T0));
        QCOMPARE(model.rowCount(), 2);
        model.markSent(localId, QJsonObject{{"ok", true}, {"id", "srv1"}, {"ts", double(T0)}});
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.at(0).messageId, QStringLiteral("srv1"));
    }

    void failureAndRetry()
    {
        MessageModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        const QString localId = model.addPending("hello", "me", "Me");
        const QString clientId = model.at(0).clientId;
        model.markFailed(localId, "ETIMEOUT");
        QVERIFY(model.index(0, 0).data(MessageModel::FailedRole).toBool());
        QVERIFY(!model.index(0, 0).data(MessageModel::PendingRole).toBool());
        QCOMPARE(model.index(0, 0).data(MessageModel::ErrorRole).toString(), QStringLiteral("ETIMEOUT"));

        QString text, retryClientId;
        QVERIFY(model.prepareRetry(localId, &text, &retryClientId));
        QCOMPARE(text, QStringLiteral("hello"));
        QCOMPARE(retryClientId, clientId); // the same clientId: the server de-duplicates
        QVERIFY(model.at(0).pending);
        QVERIFY(!model.prepareRetry(localId, &text, &retryClientId)); // only failed rows

        // It failed again, but the first attempt did reach the server: the replayed history
        // carries our clientId and settles the failed row.
        model.markFailed(localId, "ETIMEOUT");
        QCOMPARE(model.addHistory(QJsonArray{msg("srv7", "me", "hello", T0, clientId)}), 0);
        QCOMPARE(model.rowCount(), 1);
        QVERIFY(!model.at(0).failed);
        QVERIFY(!model.at(0).pending);
        QCOMPARE(model.at(0).messageId, QStringLiteral("srv7"));
        // A late error for a settled row changes nothing.
        model.markFailed(localId, "ETIMEOUT");
        QVERIFY(!model.at(0).failed);
    }

    // A message sent late (outbox, retry) takes its place by the server's time, below what
    // others wrote meanwhile; our later messages still waiting stay below it.
    void lateSendTakesItsPlace()
    {
        MessageModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setSelfUserId("me");
        model.addLive(msg("m1", "ann", "before", 100));
        const QString a = model.addPending("typed offline", "me", "Me");
        const QString b = model.addPending("typed offline too", "me", "Me");
        model.addLive(msg("m2", "bob", "meanwhile", 200)); // above our waiting messages
        const auto texts = [&] {
            QStringList t;
            for (int r = 0; r < model.rowCount(); ++r)
                t << model.at(r).text;
            return t;
        };
        QCOMPARE(texts(), (QStringList{"before", "meanwhile", "typed offline", "typed offline too"}));
        model.markSent(a, QJsonObject{{"ok", true}, {"id", "s1"}, {"ts", 300.0}});
        model.markSent(b, QJsonObject{{"ok", true}, {"id", "s2"}, {"ts", 301.0}});
        QCOMPARE(texts(), (QStringList{"before", "meanwhile", "typed offline", "typed offline too"}));
        QVERIFY(model.index(2).data(MessageModel::ShowHeaderRole).toBool());
        QVERIFY(!model.index(3).data(MessageModel::ShowHeaderRole).toBool());

        // A failed message stays where it was typed; retried later, it moves below what
        // others wrote meanwhile.
        const QString c = model.addPending("flaky", "me", "Me");
        model.markFailed(c, "ESEND");
        model.addLive(msg("m3", "bob", "later", 500));
        model.addLive(msg("m4", "ann", "later still", 600));
        QCOMPARE(model.rowOfLocal(c), 4);
        QSignalSpy moved(&model, &QAbstractItemModel::rowsMoved);
        QString text, clientId;
        QVERIFY(model.prepareRetry(c, &text, &clientId));
        model.markSent(c, QJsonObject{{"ok", true}, {"id", "s3"}, {"ts", 700.0}});
        QCOMPARE(moved.count(), 1);
        QCOMPARE(texts().last(), QStringLiteral("flaky"));
        QCOMPARE(model.rowOfLocal(c), 6);
        QCOMPARE(model.rowOfMessage("m4"), 5);
        QVERIFY(model.index(6).data(MessageModel::ShowHeaderRole).toBool());
    }

    void showHeaderRuns()
    {
        MessageModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        const qint64 min = 60 * 1000;
        model.addLive(msg("1", "ann", "a", T0));
        model.addLive(msg("2", "ann", "b", T0 + 1 * min));
        model.addLive(msg("3", "ann", "c", T0 + 7 * min)); // gap > 5 min
        model.addLive(msg("4", "bob", "d", T0 + 8 * min));
        model.addSystem("join", "carol", "Carol", T0 + 9 * min);
        model.addLive(msg("5", "bob", "e", T0 + 10 * min)); // after a system row
        QList<bool> headers;
        for (int r = 0; r < model.rowCount(); ++r)
            headers << model.index(r, 0).data(MessageModel::ShowHeaderRole).toBool();
        QCOMPARE(headers, (QList<bool>{true, false, true, true, false, true}));
        QCOMPARE(model.index(4, 0).data(MessageModel::KindRole).toString(), QStringLiteral("join"));

        // Inserting an older message in front of a run updates the next row's header.
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.addHistory(QJsonArray{msg("0", "ann", "z", T0 - 1000)});
        QCOMPARE(model.at(0).messageId, QStringLiteral("0"));
        QVERIFY(!model.index(1, 0).data(MessageModel::ShowHeaderRole).toBool());
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(2).value<QList<int>>(), QList<int>{MessageModel::ShowHeaderRole});
    }

    void plainTextAndOwnLater()
    {
        MessageModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.addHistory(QJsonArray{QJsonValue("just text"), QJsonValue("just text"), msg("m1", "me", "<b>x</b>", T0)});
        QCOMPARE(model.rowCount(), 2); // a plain string twice is the same message
        const int row = model.rowOfMessage("m1");
        QVERIFY(row >= 0);
        QCOMPARE(model.at(row).text, QStringLiteral("<b>x</b>")); // stored as-is
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setSelfUserId("me"); // learnt later: own flips with one ranged signal
        QCOMPARE(changed.count(), 1);
        QVERIFY(model.at(row).own);
    }

    void avatarIdentityMatchesPeople()
    {
        MessageModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QJsonObject m = msg("m1", "grace", "hi", T0);
        m.insert("name", "Grace  <Hopper>");
        QVERIFY(model.addLive(m));
        model.addSystem(QStringLiteral("join"), QStringLiteral("alan"), QString(), T0 + 1);
        const QModelIndex first = model.index(0, 0);
        // The same colour and letters as the people panel (UserModel) for the same person.
        QCOMPARE(first.data(MessageModel::HueRole).toInt(), UserModel::hueFor("grace"));
        QCOMPARE(first.data(MessageModel::HueRole).toInt(), hueForKey("grace"));
        QCOMPARE(first.data(MessageModel::InitialsRole).toString(), QStringLiteral("GH"));
        QCOMPARE(first.data(MessageModel::InitialsRole).toString(), UserModel::initialsFor("Grace  <Hopper>"));
        // No name: the initials come from the user id.
        QCOMPARE(model.index(1, 0).data(MessageModel::InitialsRole).toString(), QStringLiteral("A"));
        QCOMPARE(model.roleNames().value(MessageModel::HueRole), QByteArray("hue"));
        QCOMPARE(model.roleNames().value(MessageModel::InitialsRole), QByteArray("initials"));
        QCOMPARE(model.get(0).value("initials").toString(), QStringLiteral("GH"));
    }
};

QTEST_GUILESS_MAIN(TestMessageModel)
#include "tst_messagemodel.moc"
