// Frame codec: valid frames of each kind, string ids, malformed input, error payloads.
#include "frame.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using Hallway::Frame;

class tst_Frame : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesReply()
    {
        const auto r = Frame::parse(R"({"id":6,"command":"rt/join-room","payload":{"success":true}})");
        QVERIFY(r.ok);
        QVERIFY(r.frame.hasId());
        QCOMPARE(r.frame.idKey(), Frame::idKey(6));
        QCOMPARE(r.frame.command, QStringLiteral("rt/join-room"));
        QCOMPARE(r.frame.payload.toObject().value(QStringLiteral("success")).toBool(), true);
    }
    void parsesPush()
    {
        const auto r = Frame::parse(R"({"command":"rt/assign-id","payload":"7bf0fdc8"})");
        QVERIFY(r.ok);
        QVERIFY(!r.frame.hasId());
        QCOMPARE(r.frame.payload.toString(), QStringLiteral("7bf0fdc8"));
    }
    void parsesStringId()
    {
        const auto r = Frame::parse(R"({"id":"abc-1","command":"x","payload":1})");
        QVERIFY(r.ok);
        QCOMPARE(r.frame.idKey(), QStringLiteral("s:abc-1"));
        QVERIFY(r.frame.idKey() != Frame::idKey(1));
    }
    void acceptsReplyWithoutCommandAndMissingPayload()
    {
        const auto r = Frame::parse(R"({"id":3})");
        QVERIFY(r.ok);
        QVERIFY(r.frame.payload.isUndefined());
    }
    void refusesMalformed_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("not json") << QByteArray("hello");
        QTest::newRow("truncated") << QByteArray(R"({"command":"ping")");
        QTest::newRow("array") << QByteArray(R"([1,2])");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("id bool") << QByteArray(R"({"id":true,"command":"x"})");
        QTest::newRow("id object") << QByteArray(R"({"id":{},"command":"x"})");
        QTest::newRow("id fraction") << QByteArray(R"({"id":1.5,"command":"x"})");
        QTest::newRow("id huge") << QByteArray(R"({"id":1e300,"command":"x"})");
        QTest::newRow("command number") << QByteArray(R"({"command":5,"payload":{}})");
        QTest::newRow("neither") << QByteArray(R"({"payload":{}})");
        QTest::newRow("invalid utf8") << QByteArray("{\"command\":\"\xff\xfe\"}");
    }
    void refusesMalformed()
    {
        QFETCH(QByteArray, text);
        const auto r = Frame::parse(text);
        if (QTest::currentDataTag() == QByteArray("invalid utf8")) {
            // Qt replaces invalid sequences; either way it must not crash and must not be a reply.
            QVERIFY(!r.ok || !r.frame.hasId());
            return;
        }
        QVERIFY(!r.ok);
        QVERIFY(!r.error.isEmpty());
    }
    void detectsErrorPayloads()
    {
        const QJsonObject err{{QStringLiteral("error"), QStringLiteral("Command \"x\" not found")},
                              {QStringLiteral("code"), QStringLiteral("ENOTFOUND")},
                              {QStringLiteral("name"), QStringLiteral("CommandError")}};
        QVERIFY(Frame::isErrorPayload(err));
        const auto e = Frame::errorFromPayload(err);
        QCOMPARE(e.code, QStringLiteral("ENOTFOUND"));
        QVERIFY(e.message.contains(QStringLiteral("not found")));
        // An error without a code still is one.
        QCOMPARE(Frame::errorFromPayload(QJsonObject{{QStringLiteral("error"), QStringLiteral("x")}}).code,
                 QStringLiteral("EUNKNOWN"));
        // Not errors: a non-string error key, scalars, success objects.
        QVERIFY(!Frame::isErrorPayload(QJsonObject{{QStringLiteral("error"), 5}}));
        QVERIFY(!Frame::isErrorPayload(true));
        QVERIFY(!Frame::isErrorPayload(QJsonObject{{QStringLiteral("success"), true}}));
        QVERIFY(Frame::errorFromPayload(true).isNull());
    }
    void encodesRequestWithPayload()
    {
        const QJsonObject o = QJsonDocument::fromJson(Frame::encodeRequest(7, QStringLiteral("rt/noop"), QJsonValue())).object();
        QCOMPARE(o.value(QStringLiteral("id")).toInt(), 7);
        QCOMPARE(o.value(QStringLiteral("command")).toString(), QStringLiteral("rt/noop"));
        QVERIFY(o.value(QStringLiteral("payload")).isObject()); // never missing (docs/protocol.md §3)
        const QJsonObject p = QJsonDocument::fromJson(
            Frame::encodeRequest(8, QStringLiteral("x"), QJsonObject{{QStringLiteral("a"), 1}})).object();
        QCOMPARE(p.value(QStringLiteral("payload")).toObject().value(QStringLiteral("a")).toInt(), 1);
    }
    void encodesPush()
    {
        QCOMPARE(Frame::encodePush(QStringLiteral("pong")), QByteArray(R"({"command":"pong","payload":{}})"));
        const auto r = Frame::parse(Frame::encodeRequest(9, QStringLiteral("a"), 3));
        QVERIFY(r.ok);
        QCOMPARE(r.frame.payload.toInt(), 3);
    }
};

QTEST_GUILESS_MAIN(tst_Frame)
#include "tst_frame.moc"
