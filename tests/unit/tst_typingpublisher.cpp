// TypingPublisher: the outgoing typing state machine, driven by an injected clock.
#include "typingpublisher.h"

#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace Hallway;

class TestTypingPublisher : public QObject
{
    Q_OBJECT

    struct Publish { QString status; int expireAfter; qint64 at; QString base; };
    qint64 m_now = 0;
    QList<Publish> m_log;

    void attach(TypingPublisher &p)
    {
        p.setClock([this] { return m_now; });
        p.setSink([this](const QJsonObject &state, int expireAfter) {
            m_log.append({state.value("status").toString(), expireAfter, m_now, state.value("base").toString()});
        });
    }
    void advance(TypingPublisher &p, qint64 ms)
    {
        m_now += ms;
        p.processTimers();
    }

private Q_SLOTS:
    void init()
    {
        m_now = 100000;
        m_log.clear();
    }

    void defaults()
    {
        const TypingOptions o;
        QCOMPARE(o.expireAfterMs, 6000);
        QCOMPARE(o.republishMs, 4000);
        QCOMPARE(o.idleStopMs, 3000);
    }

    void firstKeystrokePublishesAtOnce()
    {
        TypingPublisher p;
        attach(p);
        QSignalSpy typing(&p, &TypingPublisher::typingChanged);
        p.setText("h");
        QCOMPARE(m_log.size(), 1);
        QCOMPARE(m_log.at(0).status, QStringLiteral("typing"));
        QCOMPARE(m_log.at(0).expireAfter, 6000);
        QVERIFY(p.isTyping());
        QCOMPARE(typing.count(), 1);
        p.setText("h"); // caret move / selection: same text, not typing
        advance(p, 2999);
        QVERIFY(p.isTyping());
        advance(p, 1); // 3 s without a keystroke: stop, back to base
        QVERIFY(!p.isTyping());
        QCOMPARE(m_log.size(), 2);
        QCOMPARE(m_log.at(1).status, QStringLiteral("online"));
        QCOMPARE(m_log.at(1).expireAfter, 0);
        QCOMPARE(typing.count(), 2);
    }

    // The privacy switch: off, keystrokes publish nothing; turned off while typing, typing
    // stops at once (back to the base status); the base status itself still goes out.
    void disabledPublishesNoTyping()
    {
        TypingPublisher p;
        attach(p);
        p.setText("he");
        QCOMPARE(m_log.size(), 1);
        p.setEnabled(false);
        QVERIFY(!p.isTyping());
        QCOMPARE(m_log.size(), 2);
        QCOMPARE(m_log.at(1).status, QStringLiteral("online"));
        for (const char *text : {"hel", "hell", "hello"}) {
            p.setText(QString::fromLatin1(text));
            advance(p, 500);
        }
        QCOMPARE(m_log.size(), 2);
        p.setBaseStatus(QStringLiteral("away"));
        QCOMPARE(m_log.size(), 3);
        QCOMPARE(m_log.at(2).status, QStringLiteral("away"));
        p.setEnabled(true);
        p.setText("hello!");
        QCOMPARE(m_log.last().status, QStringLiteral("typing"));
    }

    void caretMovesAreNotTyping()
    {
        TypingPublisher p;
        attach(p);
        p.setText("hello");
        advance(p, 3000);
        QCOMPARE(m_log.size(), 2);
        for (int i = 0; i < 10; ++i)
            p.setText("hello");
        QCOMPARE(m_log.size(), 2);
        QVERIFY(!p.isTyping());
    }

    void emptyComposerStops()
    {
        TypingPublisher p;
        attach(p);
        p.setText("");
        QCOMPARE(m_log.size(), 0); // nothing typed into an empty composer
        p.setText("a");
        p.setText("");
        QCOMPARE(m_log.size(), 2);
        QCOMPARE(m_log.last().status, QStringLiteral("online"));
        QVERIFY(!p.isTyping());
    }

    void sendAndStop()
    {
        TypingPublisher p;
        attach(p);
        p.setText("hi");
        p.messageSent();
        QCOMPARE(m_log.size(), 2);
        QCOMPARE(m_log.last().status, QStringLiteral("online"));
        p.setText("hi"); // the same text again after sending is new typing
        QCOMPARE(m_log.size(), 3);
        p.stop(); // leaving the room, disconnect
        QCOMPARE(m_log.size(), 4);
        QCOMPARE(m_log.last().status, QStringLiteral("online"));
        p.stop(); // idempotent
        QCOMPARE(m_log.size(), 4);
    }

    void republishWhileTyping()
    {
        TypingPublisher p;
        attach(p);
        p.setText("a");
        QString text = "a";
        for (int i = 0; i < 40; ++i) { // 100 ms per key for 4 s
            m_now += 100;
            text += QLatin1Char('a');
            p.setText(text);
        }
        QCOMPARE(m_log.size(), 2);
        QCOMPARE(m_log.at(1).at - m_log.at(0).at, 4000);
        QCOMPARE(m_log.at(1).status, QStringLiteral("typing"));
    }

    void budgetOneMinute()
    {
        TypingPublisher p;
        attach(p);
        QString text;
        const qint64 start = m_now;
        while (m_now - start < 60000) { // a fast typist: a key every 120 ms for a minute
            text += QLatin1Char('x');
            p.setText(text);
            advance(p, 120);
        }
        advance(p, 3000); // and the stop
        QVERIFY(!p.isTyping());
        QVERIFY2(m_log.size() <= 16, qPrintable(QString::number(m_log.size())));
        QCOMPARE(m_log.last().status, QStringLiteral("online"));
        // Never a gap the typing state could expire in: each republish within expireAfter.
        for (int i = 1; i < m_log.size() - 1; ++i)
            QVERIFY(m_log.at(i).at - m_log.at(i - 1).at < 6000);
        QCOMPARE(p.publishCount(), m_log.size());
    }

    void baseStatus()
    {
        TypingPublisher p;
        attach(p);
        p.setBaseStatus("away");
        QCOMPARE(m_log.size(), 1);
        QCOMPARE(m_log.last().status, QStringLiteral("away"));
        p.setBaseStatus("away");
        QCOMPARE(m_log.size(), 1);
        p.setText("x");
        QCOMPARE(m_log.size(), 2);
        QCOMPARE(m_log.last().status, QStringLiteral("typing"));
        QCOMPARE(m_log.last().base, QStringLiteral("away")); // typing while away (usermodel.h, rule a)
        p.setBaseStatus("busy"); // while typing: the typing state carries the new base at once
        QCOMPARE(m_log.size(), 3);
        QCOMPARE(m_log.last().status, QStringLiteral("typing"));
        QCOMPARE(m_log.last().base, QStringLiteral("busy"));
        QCOMPARE(m_log.last().expireAfter, 6000);
        advance(p, 3000);
        QCOMPARE(m_log.size(), 4);
        QCOMPARE(m_log.last().status, QStringLiteral("busy"));
        p.republish();
        QCOMPARE(m_log.last().status, QStringLiteral("busy"));
        QCOMPARE(p.currentState().value("status").toString(), QStringLiteral("busy"));
    }

    void realTimerStops()
    {
        TypingOptions o;
        o.idleStopMs = 40;
        o.republishMs = 20;
        o.expireAfterMs = 60;
        TypingPublisher p(o);
        QSignalSpy published(&p, &TypingPublisher::published);
        p.setText("a");
        QVERIFY(p.isTyping());
        QTRY_VERIFY_WITH_TIMEOUT(!p.isTyping(), 2000);
        QCOMPARE(published.count(), 2);
        QCOMPARE(published.at(0).at(1).toInt(), 60);
    }
};

QTEST_GUILESS_MAIN(TestTypingPublisher)
#include "tst_typingpublisher.moc"
