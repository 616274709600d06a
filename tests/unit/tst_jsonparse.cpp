// parseJson against QJsonDocument::fromJson: whatever the text, cut in two or not, the document
// (or the error and its offset) is the one-thread parse's. Cutting is forced on small texts
// (splitFrom 0) so that every text here takes the two-thread path when it can.
#include "jsonparse.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

using namespace Hallway;

namespace {

QString randomString(QRandomGenerator &rng)
{
    static const QString pieces[] = {QStringLiteral("a"), QStringLiteral("\""), QStringLiteral("\\"),
                                     QStringLiteral("},{"), QStringLiteral("],["), QStringLiteral("\":"),
                                     QStringLiteral("present"), QStringLiteral("é"), QStringLiteral("\n"),
                                     QStringLiteral(","), QStringLiteral("{\"id\":"), QStringLiteral("\\u0041")};
    QString s;
    const int n = int(rng.bounded(6u));
    for (int i = 0; i < n; ++i)
        s += pieces[rng.bounded(int(std::size(pieces)))];
    return s;
}

QJsonValue randomValue(QRandomGenerator &rng, int depth)
{
    switch (rng.bounded(depth > 3 ? 4u : 7u)) {
    case 0:
        return QJsonValue::Null;
    case 1:
        return rng.bounded(2u) == 1;
    case 2:
        return double(rng.bounded(100000u)) / 8.0;
    case 3:
        return randomString(rng);
    case 4:
    case 5: {
        QJsonObject o;
        const int n = int(rng.bounded(5u));
        for (int i = 0; i < n; ++i)
            o.insert(randomString(rng), randomValue(rng, depth + 1));
        return o;
    }
    default: {
        QJsonArray a;
        const int n = int(rng.bounded(6u));
        for (int i = 0; i < n; ++i)
            a.append(randomValue(rng, depth + 1));
        return a;
    }
    }
}

// A reply like the server's: {"id","command","payload":{"success","present":[...],"states":{...}}}.
QJsonObject replyLike(QRandomGenerator &rng, int members)
{
    QJsonArray present;
    QJsonObject states;
    for (int i = 0; i < members; ++i) {
        const QString id = QStringLiteral("c%1").arg(i);
        present.append(QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("metadata"), randomValue(rng, 1)}});
        states.insert(id, randomValue(rng, 2));
    }
    return QJsonObject{{QStringLiteral("id"), 2},
                       {QStringLiteral("command"), QStringLiteral("rt/subscribe-presence")},
                       {QStringLiteral("payload"), QJsonObject{{QStringLiteral("success"), true},
                                                              {QStringLiteral("present"), present},
                                                              {QStringLiteral("states"), states}}}};
}

struct Parsed {
    QJsonDocument doc;
    QJsonParseError error;
};

Parsed oneThread(const QByteArray &text)
{
    Parsed p;
    p.doc = QJsonDocument::fromJson(text, &p.error);
    return p;
}

int cuts = 0; // texts parseJson read in two

Parsed twoThreads(const QByteArray &text)
{
    Parsed p;
    bool inTwo = false;
    p.doc = parseJson(text, &p.error, 0, &inTwo);
    cuts += inTwo ? 1 : 0;
    return p;
}

} // namespace

class TestJsonParse : public QObject
{
    Q_OBJECT

    static void compare(const QByteArray &text)
    {
        const Parsed one = oneThread(text);
        const Parsed two = twoThreads(text);
        QCOMPARE(two.error.error, one.error.error);
        QCOMPARE(two.error.offset, one.error.offset);
        QCOMPARE(two.doc, one.doc);
    }

private slots:
    void readsRepliesAsOneThreadDoes()
    {
        QRandomGenerator rng(20261202);
        cuts = 0;
        for (int round = 0; round < 300; ++round) {
            const QJsonDocument doc(replyLike(rng, 2 + int(rng.bounded(40u))));
            compare(doc.toJson(QJsonDocument::Compact));
            compare(doc.toJson(QJsonDocument::Indented)); // whitespace around the cut
            if (QTest::currentTestFailed())
                return;
        }
        // Most were cut (the others' middle falls in the states, an object: not cut there).
        QVERIFY2(cuts > 300, qPrintable(QString::number(cuts)));
    }

    void readsAnyDocumentAsOneThreadDoes()
    {
        QRandomGenerator rng(7);
        for (int round = 0; round < 2000; ++round) {
            const QJsonValue v = randomValue(rng, 0);
            const QJsonDocument doc = v.isArray() ? QJsonDocument(v.toArray()) : QJsonDocument(QJsonObject{{"x", v}});
            compare(doc.toJson(QJsonDocument::Compact));
            if (QTest::currentTestFailed())
                return;
        }
    }

    // Broken texts: cut, flipped or truncated anywhere, they fail (or pass) exactly as the
    // one-thread parse does, with its error and offset.
    void refusesWhatOneThreadRefuses()
    {
        QRandomGenerator rng(99);
        static const char bytes[] = "[]{},:\"\\ 0a";
        for (int round = 0; round < 3000; ++round) {
            QByteArray text = QJsonDocument(replyLike(rng, 2 + int(rng.bounded(8u)))).toJson(QJsonDocument::Compact);
            const int edits = 1 + int(rng.bounded(3u));
            for (int e = 0; e < edits; ++e) {
                const qsizetype at = qsizetype(rng.bounded(quint32(text.size())));
                switch (rng.bounded(3u)) {
                case 0:
                    text[at] = bytes[rng.bounded(int(sizeof bytes - 1))];
                    break;
                case 1:
                    text.remove(at, 1 + qsizetype(rng.bounded(4u)));
                    break;
                default:
                    text.truncate(at);
                    break;
                }
                if (text.isEmpty())
                    break;
            }
            compare(text);
            if (QTest::currentTestFailed())
                return;
        }
    }

    // Texts the merge must not get wrong: the cut array's key again later (the later one wins
    // in the whole text), the same key escaped, a key both sides have, an empty element list
    // on one side, a root array, strings that look like structure.
    void placesKeysAsTheWholeTextDoes()
    {
        const QByteArray texts[] = {
            "{\"p\":{\"present\":[1,2,3,4],\"present\":[9]}}",
            "{\"p\":{\"present\":[1,2,3,4]},\"p\":{\"x\":1}}",
            "{\"p\":{\"present\":[1,2,3,4],\"pr\\u0065sent\":[9]}}",
            "{\"p\":{\"success\":false,\"present\":[1,2,3,4],\"success\":true}}",
            "{\"p\":{\"present\":[1,2,3,4],\"q\":{\"present\":[7]}}}",
            "{\"present\":[1,2,3,4],\"present\":5}",
            "[{\"a\":\"},{\"},{\"a\":\"],[\"},{\"a\":\"\\\\\"},{\"a\":\"\\\"},{\"}]",
            "{\"p\":{\"present\":[1,2,3,4,]}}",
            "{\"p\":{\"present\":[1,,2]}}",
            "{\"p\":{\"present\":[1,2,3,4]}}}",
            "{\"p\":{\"present\":[1,2,3,4]}",
            "{\"p\":{\"present\":[[1,2],[3,4],[5,6]]}}",
            "  [ 1 , 2 , 3 , 4 ]  ",
            "{\"a\":\"x\",\"b\":[{\"c\":[1,2,3]},{\"d\":[4,5,6]}],\"e\":\"y\"}",
        };
        cuts = 0;
        for (const QByteArray &text : texts) {
            compare(text);
            if (QTest::currentTestFailed()) {
                qWarning() << "text:" << text;
                return;
            }
        }
        QVERIFY2(cuts >= 5, qPrintable(QString::number(cuts))); // the valid ones without a clash
    }

    // The cut array's key again after the cut: the whole text's later value wins, so the text
    // is parsed in one go; the same document without the repeat is cut.
    void parsesInOneGoWhenThePathKeyComesBack()
    {
        bool inTwo = true;
        QJsonParseError error;
        const QByteArray repeated = "{\"p\":{\"present\":[1,2,3,4],\"present\":[9]}}";
        QCOMPARE(parseJson(repeated, &error, 0, &inTwo), QJsonDocument::fromJson(repeated));
        QVERIFY(!inTwo);
        const QByteArray plain = "{\"p\":{\"present\":[1,2,3,4],\"other\":[9]}}";
        QCOMPARE(parseJson(plain, &error, 0, &inTwo), QJsonDocument::fromJson(plain));
        QVERIFY(inTwo);
    }

    // The threshold: a big text is cut (and still reads the same), a small one is not.
    void cutsBigTextsOnly()
    {
        QRandomGenerator rng(3);
        const QByteArray big = QJsonDocument(replyLike(rng, 3000)).toJson(QJsonDocument::Compact);
        QVERIFY(big.size() > 100 * 1024);
        QJsonParseError error;
        bool inTwo = false;
        QCOMPARE(parseJson(big, &error, 100 * 1024, &inTwo), QJsonDocument::fromJson(big));
        QCOMPARE(error.error, QJsonParseError::NoError);
        QVERIFY(inTwo);
        QCOMPARE(parseJson(big, &error, kParseInTwoFrom, &inTwo), QJsonDocument::fromJson(big));
        QVERIFY(!inTwo);
    }
};

QTEST_GUILESS_MAIN(TestJsonParse)
#include "tst_jsonparse.moc"
