// IncubationPacer: asynchronous QML creation made by the event loop a few milliseconds at a
// time, the objects complete, and the pacer goes quiet when nothing is left to make.
#include "incubationpacer.h"

#include <QQmlComponent>
#include <QQmlEngine>
#include <QQmlIncubator>
#include <QTest>

#include <memory>

using Hallway::Ui::IncubationPacer;

class TestIncubationPacer : public QObject
{
    Q_OBJECT

private slots:
    void asynchronousCreationCompletesInTurns()
    {
        QQmlEngine engine;
        auto *pacer = new IncubationPacer(2, &engine);
        engine.setIncubationController(pacer);
        QCOMPARE(engine.incubationController(), pacer);

        // Nothing is made before the event loop runs a turn; the turns then finish the job.
        QQmlComponent component(&engine);
        component.setData(R"(
            import QtQml
            QtObject {
                property list<QtObject> items: [
                    QtObject { property int n: 1 }, QtObject { property int n: 2 },
                    QtObject { property int n: 3 }, QtObject { property int n: 4 }
                ]
                property int total: {
                    let sum = 0;
                    for (let i = 0; i < items.length; ++i)
                        sum += items[i].n;
                    return sum;
                }
            })", QUrl(QStringLiteral("qrc:/pacer-test.qml")));
        QVERIFY2(component.isReady(), qPrintable(component.errorString()));

        QQmlIncubator incubator(QQmlIncubator::Asynchronous);
        component.create(incubator);
        QCOMPARE(incubator.status(), QQmlIncubator::Loading); // nothing made outside a turn
        QCOMPARE(pacer->incubatingObjectCount(), 1);

        QTRY_COMPARE(incubator.status(), QQmlIncubator::Ready);
        std::unique_ptr<QObject> object(incubator.object());
        QCOMPARE(object->property("total").toInt(), 10);
        QCOMPARE(pacer->incubatingObjectCount(), 0);
    }

    void turnsAreAtLeastOneMillisecond()
    {
        IncubationPacer pacer(0);
        QCOMPARE(pacer.msPerTurn(), 1);
        QCOMPARE(IncubationPacer().msPerTurn(), 2);
    }
};

QTEST_MAIN(TestIncubationPacer)
#include "tst_incubationpacer.moc"
