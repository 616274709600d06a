// BackoffPolicy with a pinned random source: first-try window, growth, cap, reset.
#include "backoff.h"

#include <QTest>

using Hallway::BackoffPolicy;

class tst_Backoff : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void firstTryWindow()
    {
        BackoffPolicy low(500, 1500, 30000, [] { return 0.0; });
        QCOMPARE(low.nextDelayMs(), 500);      // never immediate
        BackoffPolicy high(500, 1500, 30000, [] { return 0.999999; });
        const int d = high.nextDelayMs();
        QVERIFY2(d >= 1499 && d <= 1500, qPrintable(QString::number(d)));
    }
    void growsAndCaps()
    {
        BackoffPolicy p(500, 1500, 30000, [] { return 0.999999; });
        QList<int> delays;
        for (int i = 0; i < 12; ++i)
            delays << p.nextDelayMs();
        for (int i = 1; i < delays.size(); ++i)
            QVERIFY(delays.at(i) >= delays.at(i - 1));
        QVERIFY(delays.at(1) > 2900 && delays.at(1) <= 3000);   // window doubles
        QVERIFY(delays.last() <= 30000 && delays.last() > 29000); // capped
        QCOMPARE(p.attempts(), 12);
    }
    void jitterStaysInBounds()
    {
        BackoffPolicy p(500, 1500, 30000); // real randomness
        for (int i = 0; i < 200; ++i) {
            const int d = p.nextDelayMs();
            QVERIFY(d >= 500 && d <= 30000);
        }
    }
    void resetStartsOver()
    {
        double r = 0.999999;
        BackoffPolicy p(500, 1500, 30000, [&r] { return r; });
        for (int i = 0; i < 6; ++i)
            p.nextDelayMs();
        p.reset();
        QCOMPARE(p.attempts(), 0);
        QVERIFY(p.nextDelayMs() <= 1500);
    }
    void toleratesBadInput()
    {
        BackoffPolicy p(2000, 1000, 500, [] { return 7.0; }); // nonsense order and random
        const int d = p.nextDelayMs();
        QVERIFY(d >= 2000 && d <= 2000);
    }
};

QTEST_GUILESS_MAIN(tst_Backoff)
#include "tst_backoff.moc"
