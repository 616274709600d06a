// StatusController and ActivityMonitor: automatic away with a short idle timeout, manual
// statuses winning, input events seen through the application-wide event filter.
#include "activitymonitor.h"
#include "statuscontroller.h"

#include <QCoreApplication>
#include <QEvent>
#include <QSignalSpy>
#include <QTest>

using namespace Hallway;

class TestStatus : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaults()
    {
        ActivityMonitor monitor;
        QCOMPARE(monitor.idleTimeoutMs(), 300000);
        QVERIFY(!monitor.isIdle());
        StatusController status;
        QCOMPARE(status.manualStatus(), QStringLiteral("automatic"));
        QCOMPARE(status.effectiveStatus(), QStringLiteral("online"));
    }

    void idleAfterTimeoutAndBackOnInput()
    {
        ActivityMonitor monitor;
        monitor.setIdleTimeoutMs(60);
        StatusController status;
        status.setActivity(&monitor);
        QSignalSpy effective(&status, &StatusController::effectiveStatusChanged);
        QTRY_VERIFY_WITH_TIMEOUT(monitor.isIdle(), 2000);
        QCOMPARE(status.effectiveStatus(), QStringLiteral("away"));
        QCOMPARE(effective.count(), 1);

        // A key press anywhere in the app (seen by the application-wide filter).
        QObject target;
        QEvent key(QEvent::KeyPress);
        QCoreApplication::sendEvent(&target, &key);
        QVERIFY(!monitor.isIdle());
        QCOMPARE(status.effectiveStatus(), QStringLiteral("online"));
        QCOMPARE(effective.count(), 2);

        // Events that are not input do not count.
        QTRY_VERIFY_WITH_TIMEOUT(monitor.isIdle(), 2000);
        QEvent timer(QEvent::Timer);
        QCoreApplication::sendEvent(&target, &timer);
        QEvent paint(QEvent::Paint);
        QCoreApplication::sendEvent(&target, &paint);
        QVERIFY(monitor.isIdle());
        QEvent move(QEvent::MouseMove);
        QCoreApplication::sendEvent(&target, &move);
        QVERIFY(!monitor.isIdle());
    }

    void activityKeepsOnline()
    {
        ActivityMonitor monitor;
        monitor.setIdleTimeoutMs(150);
        for (int i = 0; i < 10; ++i) {
            QTest::qWait(40); // activity more often than the 150 ms timeout is the point
            monitor.notifyActivity();
            QVERIFY(!monitor.isIdle());
        }
        QTRY_VERIFY_WITH_TIMEOUT(monitor.isIdle(), 2000);
    }

    void markIdleAndDisable()
    {
        ActivityMonitor monitor;
        monitor.markIdle(); // screen locked
        QVERIFY(monitor.isIdle());
        monitor.notifyActivity();
        QVERIFY(!monitor.isIdle());
        monitor.setEnabled(false);
        monitor.setIdleTimeoutMs(20);
        QTest::qWait(80); // a fixed window on purpose: four timeouts pass, still not idle
        QVERIFY(!monitor.isIdle());
        QVERIFY(ActivityMonitor::isActivityEvent(QEvent::Wheel));
        QVERIFY(ActivityMonitor::isActivityEvent(QEvent::TouchBegin));
        QVERIFY(!ActivityMonitor::isActivityEvent(QEvent::KeyRelease));
    }

    void manualWins()
    {
        ActivityMonitor monitor;
        StatusController status;
        status.setActivity(&monitor);
        QSignalSpy manual(&status, &StatusController::manualStatusChanged);
        status.setManualStatus("busy");
        QCOMPARE(status.effectiveStatus(), QStringLiteral("busy"));
        monitor.markIdle();
        QCOMPARE(status.effectiveStatus(), QStringLiteral("busy")); // manual wins over idle
        status.setManualStatus("online");
        QCOMPARE(status.effectiveStatus(), QStringLiteral("online"));
        status.setManualStatus("automatic");
        QCOMPARE(status.effectiveStatus(), QStringLiteral("away"));
        QTest::ignoreMessage(QtWarningMsg, "unknown manual status \"sleeping\"");
        status.setManualStatus("sleeping"); // refused
        QCOMPARE(status.manualStatus(), QStringLiteral("automatic"));
        QCOMPARE(manual.count(), 3);
        status.setManualStatus("away");
        monitor.notifyActivity();
        QCOMPARE(status.effectiveStatus(), QStringLiteral("away"));
    }
};

QTEST_GUILESS_MAIN(TestStatus)
#include "tst_status.moc"
