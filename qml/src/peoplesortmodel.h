#pragma once
// PeopleSortModel: the people panel's view of a room's UserModel (or any list model with
// the same role names, e.g. a QML ListModel in previews): sorted by statusRank (online 0,
// away 1, busy 2) then by name (locale aware, case-insensitive) then userId, optionally
// filtered by a search string. Owned by the QML delegate tree that declares it.
//
// A flat proxy of its own rather than a QSortFilterProxyModel: a big room has 16,000 people,
// and comparing through QModelIndex::data() and QCollator::compare() on every step of every
// sort made loading and filtering the app's bottleneck. Here each source row has a key made
// once (rank, a collation key of its name, userId); the full sorted order of the source rows
// is kept, and the visible rows are the accepted subsequence of it. Source changes and filter
// changes are applied incrementally with fine-grained signals (inserted/removed runs, a move
// when a row's place changes); only a source reset or a new source resets.
#include <QAbstractProxyModel>
#include <QCollator>
#include <QPersistentModelIndex>
#include <QtQml/qqmlregistration.h>

#include <optional>
#include <vector>

namespace Hallway {

class PeopleSortModel : public QAbstractProxyModel
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString filterText READ filterText WRITE setFilterText NOTIFY filterTextChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    explicit PeopleSortModel(QObject *parent = nullptr);

    void setSourceModel(QAbstractItemModel *model) override;

    QModelIndex index(int row, int column, const QModelIndex &parent = QModelIndex()) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    bool hasChildren(const QModelIndex &parent = QModelIndex()) const override;
    QModelIndex mapToSource(const QModelIndex &proxyIndex) const override;
    QModelIndex mapFromSource(const QModelIndex &sourceIndex) const override;

    QString filterText() const { return m_filterText; }
    void setFilterText(const QString &text);
    int count() const { return visibleCount(); }

Q_SIGNALS:
    void filterTextChanged();
    void countChanged();

private:
    // What a source row sorts and filters by, read once when the row arrives or its
    // rank/name/userId change.
    struct Key {
        int rank = 0;
        QString name;
        QString userId;
        // The C locale's QCollator compares case-insensitively (QString::compare), and its
        // sort keys would not: there the key is the case-folded name. Other locales: the
        // collator's own sort key, which orders exactly as its compare() does.
        QString folded;
        std::optional<QCollatorSortKey> collation;
    };

    bool resolveRoles();
    Key makeKey(int sourceRow, const Key *previous = nullptr) const; // previous: reuse its name's key
    std::vector<int> merged(const std::vector<int> &rows, const std::vector<int> &added) const;
    bool sameKey(const Key &a, const Key &b) const;
    int compareKeys(const Key &a, const Key &b) const;
    bool less(int sourceRowA, int sourceRowB) const; // ties end on the source row: a total order
    bool accepts(const Key &key) const;

    void rebuild(); // keys, order and visible rows from scratch, no signals
    void resetFromSource();
    void clear();

    // The visible rows; while applyVisible() emits its runs they are the rows already
    // settled (m_head) followed by the old ones not yet reached (m_visible from m_tail).
    int visibleCount() const;
    int visibleAt(int proxyRow) const;
    int proxyRowOf(int sourceRow) const; // -1 when hidden
    // Turns the visible rows into `next` (both ordered subsequences of m_order) with one
    // remove or insert per contiguous run, in a single pass.
    void applyVisible(std::vector<int> next);
    void updateRow(int sourceRow, Key key);
    void noteCount();

    void onRowsInserted(const QModelIndex &parent, int first, int last);
    void onRowsAboutToBeRemoved(const QModelIndex &parent, int first, int last);
    void onRowsRemoved(const QModelIndex &parent, int first, int last);
    void onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight, const QList<int> &roles);
    void onLayoutAboutToBeChanged();
    void onLayoutChanged();

    QString m_filterText;
    QCollator m_collator;
    bool m_cLocale = false;
    int m_rankRole = -1;
    int m_nameRole = -1;
    int m_userIdRole = -1;

    std::vector<Key> m_keys;    // by source row
    std::vector<int> m_order;   // every source row, sorted
    std::vector<int> m_visible; // the accepted ones, in the same order: the proxy rows
    std::vector<int> m_head;    // see visibleAt()
    size_t m_tail = 0;
    bool m_splicing = false;
    int m_reportedCount = 0;

    QModelIndexList m_layoutProxy; // persistent indexes across a source layout change
    QList<QPersistentModelIndex> m_layoutSource;
    QList<QMetaObject::Connection> m_sourceConnections;
};

} // namespace Hallway
