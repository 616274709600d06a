// PeopleSortModel: the people panel's order (statusRank, then name as the collator sees it,
// then userId) and filter (substring of name or userId), kept incrementally: every source
// change and filter change must arrive as inserted/removed/moved runs or dataChanged, never as
// a reset, and Qt's model tester watches every step. The source is mostly a QStandardItemModel
// with the UserModel's own role names, once a real UserModel over a MemberModel.
#include "peoplesortmodel.h"
#include "membermodel.h"
#include "usermodel.h"

#include <QAbstractItemModelTester>
#include <QCollator>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QStringListModel>
#include <QTest>

#include <algorithm>
#include <memory>

using namespace Hallway;

namespace {

struct Person {
    QString userId;
    QString name;
    int rank = 0;
};

QStandardItem *itemFor(const Person &p)
{
    auto *item = new QStandardItem;
    item->setData(p.userId, UserModel::UserIdRole);
    item->setData(p.name, UserModel::NameRole);
    item->setData(p.rank, UserModel::StatusRankRole);
    item->setData(false, UserModel::TypingRole);
    return item;
}

// Every signal the proxy sends, counted.
struct Signals {
    explicit Signals(QAbstractItemModel *m)
        : inserted(m, &QAbstractItemModel::rowsInserted)
        , removed(m, &QAbstractItemModel::rowsRemoved)
        , moved(m, &QAbstractItemModel::rowsMoved)
        , changed(m, &QAbstractItemModel::dataChanged)
        , reset(m, &QAbstractItemModel::modelReset)
        , layout(m, &QAbstractItemModel::layoutChanged)
    {
    }
    void clear()
    {
        for (QSignalSpy *s : {&inserted, &removed, &moved, &changed, &reset, &layout})
            s->clear();
    }
    QSignalSpy inserted, removed, moved, changed, reset, layout;
};

// Names only (no rank or userId role), and rows that can move (QStandardItemModel's cannot).
class NameListModel : public QStringListModel
{
public:
    using QStringListModel::QStringListModel;
    QHash<int, QByteArray> roleNames() const override { return {{Qt::DisplayRole, "name"}}; }
};

} // namespace

class TestPeopleSortModel : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QStandardItemModel> m_source;
    std::unique_ptr<PeopleSortModel> m_sorted;
    std::unique_ptr<QAbstractItemModelTester> m_tester;

    void setUpModels(const QList<Person> &people)
    {
        m_tester.reset();
        m_sorted.reset();
        m_source = std::make_unique<QStandardItemModel>();
        m_source->setItemRoleNames(UserModel().roleNames());
        for (const Person &p : people)
            m_source->appendRow(itemFor(p));
        m_sorted = std::make_unique<PeopleSortModel>();
        m_tester = std::make_unique<QAbstractItemModelTester>(
            m_sorted.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        m_sorted->setSourceModel(m_source.get());
    }

    QStringList names() const
    {
        QStringList out;
        for (int row = 0; row < m_sorted->rowCount(); ++row)
            out << m_sorted->index(row, 0).data(UserModel::NameRole).toString();
        return out;
    }

    QStandardItem *sourceItem(const QString &userId) const
    {
        for (int row = 0; row < m_source->rowCount(); ++row) {
            if (m_source->item(row)->data(UserModel::UserIdRole).toString() == userId)
                return m_source->item(row);
        }
        return nullptr;
    }

    // The order and filter spelled out the slow way: what the proxy must show.
    QStringList expectedNames() const
    {
        QCollator collator;
        collator.setCaseSensitivity(Qt::CaseInsensitive);
        collator.setNumericMode(true);
        const QString filter = m_sorted->filterText();
        QList<int> rows;
        for (int row = 0; row < m_source->rowCount(); ++row) {
            const QStandardItem *item = m_source->item(row);
            if (filter.isEmpty()
                || item->data(UserModel::NameRole).toString().contains(filter, Qt::CaseInsensitive)
                || item->data(UserModel::UserIdRole).toString().contains(filter, Qt::CaseInsensitive))
                rows << row;
        }
        std::sort(rows.begin(), rows.end(), [&](int a, int b) {
            const QStandardItem *x = m_source->item(a);
            const QStandardItem *y = m_source->item(b);
            const int rx = x->data(UserModel::StatusRankRole).toInt();
            const int ry = y->data(UserModel::StatusRankRole).toInt();
            if (rx != ry)
                return rx < ry;
            const int c = collator.compare(x->data(UserModel::NameRole).toString(),
                                           y->data(UserModel::NameRole).toString());
            if (c != 0)
                return c < 0;
            const QString ux = x->data(UserModel::UserIdRole).toString();
            const QString uy = y->data(UserModel::UserIdRole).toString();
            return ux != uy ? ux < uy : a < b;
        });
        QStringList out;
        for (int row : rows)
            out << m_source->item(row)->data(UserModel::NameRole).toString();
        return out;
    }

    // Each proxy row maps to its source row and back.
    void verifyMapping() const { verifyMappingOf(*m_sorted); }
    static void verifyMappingOf(const PeopleSortModel &sorted)
    {
        for (int row = 0; row < sorted.rowCount(); ++row) {
            const QModelIndex proxy = sorted.index(row, 0);
            const QModelIndex source = sorted.mapToSource(proxy);
            QVERIFY(source.isValid());
            QCOMPARE(sorted.mapFromSource(source), proxy);
        }
    }

    static QList<Person> crew()
    {
        return {{"zed", "Zed", 2}, {"bob", "bob", 0}, {"carol", "Carol", 1}, {"al", "Alice", 0},
                {"al2", "alice", 0}, {"eve", "Eve", 1}};
    }

private Q_SLOTS:
    void cleanup()
    {
        m_tester.reset();
        m_sorted.reset();
        m_source.reset();
        QLocale::setDefault(QLocale::c());
    }

    void sortsByRankThenNameThenUserId()
    {
        setUpModels(crew());
        // "Alice" and "alice" collate equal: userId decides (al < al2).
        QCOMPARE(names(), QStringList({"Alice", "alice", "bob", "Carol", "Eve", "Zed"}));
        QCOMPARE(m_sorted->count(), 6);
        QCOMPARE(m_sorted->roleNames(), m_source->roleNames());
        verifyMapping();
    }

    void numbersAndAccentsFollowTheCollator_data()
    {
        QTest::addColumn<QString>("locale");
        QTest::newRow("C") << "C";
        QTest::newRow("en_US") << "en_US";
        QTest::newRow("de_DE") << "de_DE";
    }
    void numbersAndAccentsFollowTheCollator()
    {
        QFETCH(QString, locale);
        QLocale::setDefault(QLocale(locale));
        setUpModels({{"a", "Émile", 0}, {"b", "emma", 0}, {"c", "Zoë", 0}, {"d", "user 10", 0},
                     {"e", "user 9", 0}, {"f", "Łukasz", 0}, {"g", "", 0}, {"h", "ÉMILE", 0}});
        QCOMPARE(names(), expectedNames());
    }

    void filtersByNameOrUserIdIgnoringCase()
    {
        setUpModels(crew());
        QSignalSpy filterSpy(m_sorted.get(), &PeopleSortModel::filterTextChanged);
        QSignalSpy countSpy(m_sorted.get(), &PeopleSortModel::countChanged);
        m_sorted->setFilterText("AL");
        QCOMPARE(filterSpy.count(), 1);
        QCOMPARE(countSpy.count(), 1);
        QCOMPARE(names(), QStringList({"Alice", "alice"}));
        m_sorted->setFilterText("eve"); // userId and name
        QCOMPARE(names(), QStringList({"Eve"}));
        m_sorted->setFilterText("zed");
        QCOMPARE(names(), QStringList({"Zed"}));
        m_sorted->setFilterText("nobody");
        QCOMPARE(m_sorted->count(), 0);
        QCOMPARE(m_sorted->rowCount(), 0);
        m_sorted->setFilterText(QString());
        QCOMPARE(names(), expectedNames());
        QCOMPARE(countSpy.count(), 4); // not for "zed": one row before and after
    }

    void filterNarrowsWidensAndClearsWithoutReset()
    {
        setUpModels(crew());
        Signals s(m_sorted.get());
        m_sorted->setFilterText("e"); // in the name or the userId (zed)
        QCOMPARE(names(), expectedNames());
        QCOMPARE(names(), QStringList({"Alice", "alice", "Eve", "Zed"}));
        QCOMPARE(s.inserted.count(), 0);
        QCOMPARE(s.removed.count(), 1); // bob and Carol: one run
        s.clear();

        m_sorted->setFilterText("ev"); // narrowing: only removals
        QCOMPARE(names(), QStringList({"Eve"}));
        QCOMPARE(s.inserted.count(), 0);
        QCOMPARE(s.removed.count(), 2); // [Alice, alice] and [Zed]
        s.clear();

        m_sorted->setFilterText("e"); // widening: only insertions, back in order
        QCOMPARE(names(), QStringList({"Alice", "alice", "Eve", "Zed"}));
        QCOMPARE(s.removed.count(), 0);
        QCOMPARE(s.inserted.count(), 2);
        s.clear();

        m_sorted->setFilterText("b"); // neither: bob in, the rest out
        QCOMPARE(names(), QStringList({"bob"}));
        s.clear();

        m_sorted->setFilterText(QString());
        QCOMPARE(names(), QStringList({"Alice", "alice", "bob", "Carol", "Eve", "Zed"}));
        QCOMPARE(s.removed.count(), 0);
        QCOMPARE(s.inserted.count(), 2); // before bob and after it
        QCOMPARE(s.reset.count(), 0);
        QCOMPARE(s.layout.count(), 0);
        QCOMPARE(s.moved.count(), 0);
        verifyMapping();
    }

    void sourceInsertInTheMiddleIsOneInsert()
    {
        setUpModels(crew());
        Signals s(m_sorted.get());
        QSignalSpy countSpy(m_sorted.get(), &PeopleSortModel::countChanged);
        m_source->insertRow(2, itemFor({"dan", "Dan", 0}));
        QCOMPARE(names(), QStringList({"Alice", "alice", "bob", "Dan", "Carol", "Eve", "Zed"}));
        QCOMPARE(s.inserted.count(), 1);
        QCOMPARE(s.inserted.at(0).at(1).toInt(), 3);
        QCOMPARE(s.inserted.at(0).at(2).toInt(), 3);
        QCOMPARE(s.reset.count(), 0);
        QCOMPARE(s.layout.count(), 0);
        QCOMPARE(countSpy.count(), 1);
        QCOMPARE(m_sorted->count(), 7);
        verifyMapping();
    }

    void sourceInsertOfManyRowsComesInRuns()
    {
        setUpModels(crew());
        Signals s(m_sorted.get());
        // Four rows in one source insert, landing in two places of the view.
        QList<QStandardItem *> items{itemFor({"ann", "Ann", 0}), itemFor({"zz", "Zoe", 2}),
                                     itemFor({"amy", "Amy", 0}), itemFor({"zy", "Zara", 2})};
        m_source->insertRows(1, 4);
        // insertRows() of empty rows, then their data: the rows move to their places.
        for (int i = 0; i < items.size(); ++i) {
            for (int role : {UserModel::UserIdRole, UserModel::NameRole, UserModel::StatusRankRole})
                m_source->setData(m_source->index(1 + i, 0), items.at(i)->data(role), role);
            delete items.at(i);
        }
        QCOMPARE(names(), expectedNames());
        QCOMPARE(s.reset.count(), 0);
        QCOMPARE(s.layout.count(), 0);
        verifyMapping();

        // And a block appended at once.
        s.clear();
        QList<QStandardItem *> block{itemFor({"b1", "Bea", 0}), itemFor({"b2", "Bert", 0}),
                                     itemFor({"y1", "Yves", 2}), itemFor({"y2", "Yan", 2})};
        m_source->insertRow(m_source->rowCount(), block.at(0));
        m_source->invisibleRootItem()->appendRows(block.mid(1));
        QCOMPARE(names(), expectedNames());
        QCOMPARE(s.reset.count(), 0);
        QCOMPARE(s.inserted.count(), 3); // Bea; then Bert, and Yan/Yves as one run
        verifyMapping();
    }

    void sourceRemovalRemovesOnlyThoseRows()
    {
        setUpModels(crew());
        m_sorted->setFilterText("e"); // Alice, alice, Eve, Zed
        Signals s(m_sorted.get());
        m_source->removeRows(1, 2); // bob (hidden), Carol (hidden)
        QCOMPARE(s.removed.count(), 0);
        QCOMPARE(names(), QStringList({"Alice", "alice", "Eve", "Zed"}));
        m_source->removeRow(0); // Zed
        QCOMPARE(s.removed.count(), 1);
        QCOMPARE(s.removed.at(0).at(1).toInt(), 3);
        QCOMPARE(names(), QStringList({"Alice", "alice", "Eve"}));
        m_sorted->setFilterText(QString());
        QCOMPARE(names(), expectedNames());
        QCOMPARE(s.reset.count(), 0);
        verifyMapping();
    }

    void rankChangeMovesTheRow()
    {
        setUpModels(crew());
        Signals s(m_sorted.get());
        sourceItem("bob")->setData(2, UserModel::StatusRankRole); // bob goes busy
        QCOMPARE(names(), QStringList({"Alice", "alice", "Carol", "Eve", "bob", "Zed"}));
        QCOMPARE(s.moved.count(), 1);
        QCOMPARE(s.moved.at(0).at(1).toInt(), 2);           // from proxy row 2
        QCOMPARE(s.moved.at(0).at(4).toInt(), 5);           // to before old row 5 (Zed)
        QCOMPARE(s.changed.count(), 1);
        QCOMPARE(s.changed.at(0).at(0).toModelIndex().row(), 4);
        QCOMPARE(s.inserted.count() + s.removed.count() + s.reset.count() + s.layout.count(), 0);
        s.clear();

        sourceItem("zed")->setData(0, UserModel::StatusRankRole); // upwards
        QCOMPARE(names(), QStringList({"Alice", "alice", "Zed", "Carol", "Eve", "bob"}));
        QCOMPARE(s.moved.count(), 1);
        QCOMPARE(s.moved.at(0).at(1).toInt(), 5);
        QCOMPARE(s.moved.at(0).at(4).toInt(), 2);
        QCOMPARE(s.reset.count(), 0);
        verifyMapping();
    }

    void nameChangeMovesOrStays()
    {
        setUpModels(crew());
        Signals s(m_sorted.get());
        sourceItem("eve")->setData("Evelyn", UserModel::NameRole); // same place
        QCOMPARE(names(), QStringList({"Alice", "alice", "bob", "Carol", "Evelyn", "Zed"}));
        QCOMPARE(s.moved.count(), 0);
        QCOMPARE(s.changed.count(), 1);
        QCOMPARE(s.changed.at(0).at(0).toModelIndex().row(), 4);
        s.clear();

        sourceItem("eve")->setData("Aaron", UserModel::NameRole); // before Carol in rank 1
        QCOMPARE(names(), QStringList({"Alice", "alice", "bob", "Aaron", "Carol", "Zed"}));
        QCOMPARE(s.moved.count(), 1);
        QCOMPARE(s.changed.count(), 1);
        QCOMPARE(s.reset.count() + s.layout.count() + s.inserted.count() + s.removed.count(), 0);
        verifyMapping();
    }

    void otherRolesOnlyForwardDataChanged()
    {
        setUpModels(crew());
        Signals s(m_sorted.get());
        sourceItem("carol")->setData(true, UserModel::TypingRole);
        QCOMPARE(s.changed.count(), 1);
        QCOMPARE(s.changed.at(0).at(0).toModelIndex().row(), 3);
        QCOMPARE(s.changed.at(0).at(2).value<QList<int>>(), QList<int>({UserModel::TypingRole}));
        QCOMPARE(m_sorted->index(3, 0).data(UserModel::TypingRole).toBool(), true);
        // The same name set again changes nothing in the order.
        sourceItem("carol")->setData("Carol", UserModel::NameRole);
        QCOMPARE(s.moved.count() + s.inserted.count() + s.removed.count() + s.reset.count(), 0);
    }

    void dataChangeEntersOrLeavesTheFilter()
    {
        setUpModels(crew());
        m_sorted->setFilterText("car");
        Signals s(m_sorted.get());
        sourceItem("bob")->setData("Bob Carter", UserModel::NameRole);
        QCOMPARE(names(), QStringList({"Bob Carter", "Carol"}));
        QCOMPARE(s.inserted.count(), 1);
        sourceItem("carol")->setData("Caroline", UserModel::NameRole); // stays, same place
        QCOMPARE(names(), QStringList({"Bob Carter", "Caroline"}));
        sourceItem("bob")->setData("Bob", UserModel::NameRole);
        QCOMPARE(names(), QStringList({"Caroline"}));
        QCOMPARE(s.removed.count(), 1);
        QCOMPARE(s.reset.count(), 0);
        m_sorted->setFilterText(QString());
        QCOMPARE(names(), expectedNames());
    }

    void sourceResetAndNewSourceReset()
    {
        setUpModels(crew());
        Signals s(m_sorted.get());
        QSignalSpy countSpy(m_sorted.get(), &PeopleSortModel::countChanged);
        m_source->clear(); // a reset; role names stay
        m_source->setItemRoleNames(UserModel().roleNames());
        QCOMPARE(s.reset.count(), 1);
        QCOMPARE(m_sorted->count(), 0);
        QCOMPARE(countSpy.count(), 1);
        m_source->appendRow(itemFor({"x", "Xia", 1}));
        m_source->appendRow(itemFor({"w", "Wu", 1}));
        QCOMPARE(names(), QStringList({"Wu", "Xia"}));

        m_sorted->setSourceModel(nullptr);
        QCOMPARE(m_sorted->count(), 0);
        m_sorted->setSourceModel(m_source.get());
        QCOMPARE(names(), QStringList({"Wu", "Xia"}));
        m_source.reset(); // destroyed under the proxy
        QCOMPARE(m_sorted->count(), 0);
        QCOMPARE(m_sorted->sourceModel(), nullptr);
    }

    void sourceLayoutChangeKeepsTheOrder()
    {
        setUpModels(crew());
        // Rows without a userId role: equal keys fall back to the source order, which the
        // source's own sort (a layout change) turns around.
        QStandardItemModel plain;
        plain.setItemRoleNames({{UserModel::NameRole, "name"}, {UserModel::StatusRankRole, "statusRank"}});
        for (const QString n : {"Same", "Other", "Same"}) {
            auto *item = new QStandardItem;
            item->setData(n, UserModel::NameRole);
            item->setData(n == QLatin1String("Other") ? 1 : 0, UserModel::StatusRankRole);
            item->setData(QString(n + QString::number(plain.rowCount())), Qt::UserRole + 100);
            plain.appendRow(item);
        }
        m_sorted->setSourceModel(&plain);
        QCOMPARE(m_sorted->index(0, 0).data(Qt::UserRole + 100).toString(), QString("Same0"));
        QPersistentModelIndex other = m_sorted->index(2, 0);
        QPersistentModelIndex same0 = m_sorted->index(0, 0);
        QCOMPARE(other.data(UserModel::NameRole).toString(), QString("Other"));
        Signals s(m_sorted.get());
        plain.setSortRole(Qt::UserRole + 100);
        plain.sort(0, Qt::DescendingOrder); // Same2, Same0, Other1
        QCOMPARE(s.reset.count(), 0);
        QCOMPARE(s.layout.count(), 1);
        QCOMPARE(m_sorted->index(0, 0).data(Qt::UserRole + 100).toString(), QString("Same2"));
        QCOMPARE(m_sorted->index(1, 0).data(Qt::UserRole + 100).toString(), QString("Same0"));
        QCOMPARE(other.row(), 2);
        QCOMPARE(other.data(UserModel::NameRole).toString(), QString("Other"));
        QCOMPARE(same0.row(), 1);
        QCOMPARE(same0.data(Qt::UserRole + 100).toString(), QString("Same0"));
        verifyMapping();
        m_sorted->setSourceModel(nullptr);
    }

    void sourceMoveFollowsThePersistentIndexes()
    {
        setUpModels({});
        NameListModel list({"Same", "Other", "Same"});
        m_sorted->setSourceModel(&list);
        QCOMPARE(m_sorted->index(0, 0).data().toString(), QString("Other"));
        QPersistentModelIndex wasFirst = m_sorted->index(1, 0); // source row 0
        QPersistentModelIndex wasLast = m_sorted->index(2, 0);  // source row 2
        QCOMPARE(m_sorted->mapToSource(wasFirst).row(), 0);
        Signals s(m_sorted.get());
        QVERIFY(list.moveRows(QModelIndex(), 2, 1, QModelIndex(), 0)); // Same(2), Same(0), Other
        QCOMPARE(s.reset.count(), 0);
        QCOMPARE(s.layout.count(), 1);
        // Equal names keep the source order: the moved row now comes first.
        QCOMPARE(m_sorted->mapToSource(m_sorted->index(1, 0)).row(), 0);
        QCOMPARE(m_sorted->mapToSource(m_sorted->index(2, 0)).row(), 1);
        QCOMPARE(wasLast.row(), 1);
        QCOMPARE(m_sorted->mapToSource(wasLast).row(), 0);
        QCOMPARE(wasFirst.row(), 2);
        QCOMPARE(m_sorted->mapToSource(wasFirst).row(), 1);
        verifyMapping();
        m_sorted->setSourceModel(nullptr);
    }

    // The real thing: a Room's people as UserModel merges their devices.
    void followsARealUserModel()
    {
        const auto meta = [](const QString &user, const QString &name) {
            return QJsonObject{{"userId", user}, {"username", name}};
        };
        const auto status = [](const QString &s) { return QJsonObject{{"status", s}}; };
        MemberModel members;
        UserModel users;
        users.setGraceMs(0); // a last device leaving removes the person at once
        users.setSource(&members);
        members.insert("c1", meta("carol", "Carol"));
        members.insert("a1", meta("al", "Alice"), status("away"));
        members.insert("b1", meta("bob", "bob"));
        PeopleSortModel sorted;
        QAbstractItemModelTester tester(&sorted, QAbstractItemModelTester::FailureReportingMode::QtTest);
        sorted.setSourceModel(&users);
        const auto order = [&sorted] {
            QStringList out;
            for (int row = 0; row < sorted.rowCount(); ++row)
                out << sorted.index(row, 0).data(UserModel::UserIdRole).toString();
            return out;
        };
        QCOMPARE(order(), QStringList({"bob", "carol", "al"}));
        Signals s(&sorted);

        members.insert("a2", meta("al", "Alice")); // a second device, online: Alice is online
        QCOMPARE(order(), QStringList({"al", "bob", "carol"}));
        QCOMPARE(s.moved.count(), 1);
        s.clear();

        members.setState("b1", status("typing")); // a flag: same place, one dataChanged
        QCOMPARE(s.moved.count(), 0);
        QCOMPARE(s.changed.count(), 1);
        QCOMPARE(s.changed.at(0).at(0).toModelIndex().row(), 1);
        QVERIFY(sorted.index(1, 0).data(UserModel::TypingRole).toBool());

        members.setState("b1", status("busy"));
        QCOMPARE(order(), QStringList({"al", "carol", "bob"}));
        QCOMPARE(s.moved.count(), 1);

        sorted.setFilterText("car");
        members.insert("d1", meta("dora", "Dora Carr"));
        QCOMPARE(order(), QStringList({"carol", "dora"}));
        members.remove("c1");
        QCOMPARE(order(), QStringList({"dora"}));
        sorted.setFilterText(QString());
        QCOMPARE(order(), QStringList({"al", "dora", "bob"}));
        QCOMPARE(s.reset.count(), 0);
        QCOMPARE(s.layout.count(), 0);
        verifyMappingOf(sorted);
    }

    void withoutPeopleRolesKeepsTheSourceOrder()
    {
        setUpModels({});
        QStandardItemModel other; // no statusRank or name role: nothing to sort by
        other.setItemRoleNames({{UserModel::UserIdRole, "userId"}});
        for (const QString id : {"c", "a", "b"}) {
            auto *item = new QStandardItem;
            item->setData(id, UserModel::UserIdRole);
            other.appendRow(item);
        }
        m_sorted->setSourceModel(&other);
        m_sorted->setFilterText("a"); // and no name to filter by
        QCOMPARE(m_sorted->count(), 3);
        for (int row = 0; row < 3; ++row)
            QCOMPARE(m_sorted->index(row, 0).data(UserModel::UserIdRole), other.item(row)->data(UserModel::UserIdRole));
        m_sorted->setSourceModel(nullptr);
    }

    // Random inserts, removals, renames, rank changes and filters against the slow spelling,
    // in the C locale (case-folded names) and a real one (collation keys).
    void randomChangesMatchTheReference_data()
    {
        QTest::addColumn<QString>("locale");
        QTest::newRow("C") << "C";
        QTest::newRow("en_US") << "en_US";
    }
    void randomChangesMatchTheReference()
    {
        QFETCH(QString, locale);
        QLocale::setDefault(QLocale(locale));
        const QStringList first{"Anna", "anna", "José", "Zoë", "Łukasz", "Илья", "Νίκος", "mei", "Mei", "Tom 2", "Tom 10", ""};
        const QStringList filters{"", "a", "an", "ann", "", "o", "m", "me", "", "x", "t", ".1", ""};
        QRandomGenerator rng(42);
        const auto randomPerson = [&](int n) {
            return Person{QStringLiteral("u.%1").arg(n), first.at(rng.bounded(first.size())), int(rng.bounded(3))};
        };
        QList<Person> people;
        for (int i = 0; i < 40; ++i)
            people << randomPerson(i);
        setUpModels(people);
        Signals s(m_sorted.get());
        int next = 40;
        for (int step = 0; step < 400; ++step) {
            const int rows = m_source->rowCount();
            switch (rng.bounded(6)) {
            case 0: {
                QList<QStandardItem *> items;
                const int n = 1 + rng.bounded(5);
                for (int i = 0; i < n; ++i)
                    items << itemFor(randomPerson(next++));
                m_source->insertRow(rng.bounded(rows + 1), items.takeFirst());
                if (!items.isEmpty())
                    m_source->invisibleRootItem()->insertRows(rng.bounded(m_source->rowCount() + 1), items);
                break;
            }
            case 1:
                if (rows > 0) {
                    const int at = rng.bounded(rows);
                    m_source->removeRows(at, qMin(rows - at, 1 + int(rng.bounded(3))));
                }
                break;
            case 2:
                if (rows > 0)
                    m_source->item(rng.bounded(rows))->setData(int(rng.bounded(3)), UserModel::StatusRankRole);
                break;
            case 3:
                if (rows > 0)
                    m_source->item(rng.bounded(rows))->setData(first.at(rng.bounded(first.size())), UserModel::NameRole);
                break;
            case 4:
                m_sorted->setFilterText(filters.at(rng.bounded(filters.size())));
                break;
            case 5:
                if (rows > 0)
                    m_source->item(rng.bounded(rows))->setData(QStringLiteral("u.%1").arg(next++), UserModel::UserIdRole);
                break;
            }
            QCOMPARE(names(), expectedNames());
            QCOMPARE(m_sorted->count(), m_sorted->rowCount());
        }
        verifyMapping();
        QCOMPARE(s.reset.count(), 0);
        QCOMPARE(s.layout.count(), 0);
        QVERIFY(s.moved.count() > 0);
        QVERIFY(s.inserted.count() > 0);
        QVERIFY(s.removed.count() > 0);
    }
};

QTEST_GUILESS_MAIN(TestPeopleSortModel)
#include "tst_peoplesortmodel.moc"
