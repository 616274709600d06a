// Reply: C++ then() before and after settling, context guarding, self-deletion, QML then().
#include "reply.h"

#include <QJSEngine>
#include <QJsonArray>
#include <QJsonObject>
#include <QPointer>
#include <QSignalSpy>
#include <QTest>

using Hallway::Reply;
using Hallway::RtError;

class tst_Reply : public QObject
{
    Q_OBJECT
    static void flushDeletes()
    {
        QCoreApplication::processEvents();
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    }
private Q_SLOTS:
    void resolveRunsOkAndDeletes()
    {
        QObject owner;
        auto *reply = new Reply(&owner);
        QPointer<Reply> guard(reply);
        QSignalSpy finished(reply, &Reply::finished);
        QJsonValue got;
        bool errCalled = false;
        reply->then(this, [&](const QJsonValue &v) { got = v; }, [&](const RtError &) { errCalled = true; });
        reply->resolve(QJsonObject{{QStringLiteral("a"), 1}});
        QVERIFY(!reply->isDone()); // settles on the next turn so callers can attach first
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(got.toObject().value(QStringLiteral("a")).toInt(), 1);
        QVERIFY(!errCalled);
        flushDeletes();
        QVERIFY(guard.isNull());
    }
    void rejectRunsErr()
    {
        auto *reply = new Reply(this);
        QSignalSpy failed(reply, &Reply::failed);
        RtError got;
        reply->then(this, [](const QJsonValue &) { QFAIL("ok called"); }, [&](const RtError &e) { got = e; });
        reply->reject({QStringLiteral("ETIMEOUT"), QStringLiteral("late")});
        reply->resolve(true); // ignored: a reply settles once
        QTRY_COMPARE(failed.count(), 1);
        QCOMPARE(got.code, QStringLiteral("ETIMEOUT"));
        QCOMPARE(failed.first().at(0).toString(), QStringLiteral("ETIMEOUT"));
        flushDeletes();
    }
    void thenOnAlreadyDone()
    {
        auto *reply = new Reply(this);
        int calls = 0;
        QJsonValue got;
        connect(reply, &Reply::finished, this, [&, reply] {
            QVERIFY(reply->isDone());
            QVERIFY(reply->isOk());
            reply->then(this, [&](const QJsonValue &v) { ++calls; got = v; });
            QCOMPARE(calls, 0); // never synchronously
        });
        reply->resolve(42);
        QTRY_COMPARE(calls, 1);
        QCOMPARE(got.toInt(), 42);
        flushDeletes();
        QCOMPARE(calls, 1);
    }
    void deadContextSkipsCallback()
    {
        auto *reply = new Reply(this);
        auto *context = new QObject;
        bool called = false;
        reply->then(context, [&](const QJsonValue &) { called = true; });
        delete context;
        QSignalSpy finished(reply, &Reply::finished);
        reply->resolve(1);
        QTRY_COMPARE(finished.count(), 1);
        QVERIFY(!called);
        flushDeletes();
    }
    void jsThen()
    {
        QJSEngine engine;
        auto *reply = new Reply(this);
        QJSEngine::setObjectOwnership(reply, QJSEngine::CppOwnership);
        engine.globalObject().setProperty(QStringLiteral("reply"), engine.newQObject(reply));
        const QJSValue r = engine.evaluate(QStringLiteral(
            "var seen = null; reply.then(function(v) { seen = v.items[1] + ':' + v.name }, function(e) { seen = 'err' });"));
        QVERIFY2(!r.isError(), qPrintable(r.toString()));
        reply->resolve(QJsonObject{{QStringLiteral("items"), QJsonArray{1, 2}}, {QStringLiteral("name"), QStringLiteral("x")}});
        QTRY_COMPARE(engine.globalObject().property(QStringLiteral("seen")).toString(), QStringLiteral("2:x"));
        flushDeletes();

        auto *failing = new Reply(this);
        QJSEngine::setObjectOwnership(failing, QJSEngine::CppOwnership);
        engine.globalObject().setProperty(QStringLiteral("failing"), engine.newQObject(failing));
        engine.evaluate(QStringLiteral("var code = ''; failing.then(function() {}, function(e) { code = e.code + '/' + e.message })"));
        failing->reject({QStringLiteral("EAUTH"), QStringLiteral("no")});
        QTRY_COMPARE(engine.globalObject().property(QStringLiteral("code")).toString(), QStringLiteral("EAUTH/no"));
        flushDeletes();
    }
};

QTEST_GUILESS_MAIN(tst_Reply)
#include "tst_reply.moc"
