#include "peoplesortmodel.h"
#include "uilogging.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace Hallway {

PeopleSortModel::PeopleSortModel(QObject *parent)
    : QAbstractProxyModel(parent)
{
    m_collator.setCaseSensitivity(Qt::CaseInsensitive);
    m_collator.setNumericMode(true);
    m_cLocale = m_collator.locale().language() == QLocale::C;
}

void PeopleSortModel::setSourceModel(QAbstractItemModel *model)
{
    if (model == sourceModel())
        return;
    beginResetModel();
    for (const auto &c : std::as_const(m_sourceConnections))
        disconnect(c);
    m_sourceConnections.clear();
    QAbstractProxyModel::setSourceModel(model);
    m_rankRole = m_nameRole = m_userIdRole = -1;
    if (model) {
        m_sourceConnections
            << connect(model, &QAbstractItemModel::rowsInserted, this, &PeopleSortModel::onRowsInserted)
            << connect(model, &QAbstractItemModel::rowsAboutToBeRemoved, this,
                       &PeopleSortModel::onRowsAboutToBeRemoved)
            << connect(model, &QAbstractItemModel::rowsRemoved, this, &PeopleSortModel::onRowsRemoved)
            << connect(model, &QAbstractItemModel::dataChanged, this, &PeopleSortModel::onDataChanged)
            << connect(model, &QAbstractItemModel::modelAboutToBeReset, this,
                       &PeopleSortModel::beginResetModel)
            << connect(model, &QAbstractItemModel::modelReset, this,
                       [this] {
                           m_rankRole = m_nameRole = m_userIdRole = -1;
                           resolveRoles();
                           rebuild();
                           endResetModel();
                           noteCount();
                       })
            // A move in the source changes no key, only which of two equal keys comes first.
            << connect(model, &QAbstractItemModel::layoutAboutToBeChanged, this,
                       &PeopleSortModel::onLayoutAboutToBeChanged)
            << connect(model, &QAbstractItemModel::layoutChanged, this, &PeopleSortModel::onLayoutChanged)
            << connect(model, &QAbstractItemModel::rowsAboutToBeMoved, this,
                       &PeopleSortModel::onLayoutAboutToBeChanged)
            << connect(model, &QAbstractItemModel::rowsMoved, this, &PeopleSortModel::onLayoutChanged)
            << connect(model, &QObject::destroyed, this, [this] {
                   beginResetModel();
                   clear();
                   endResetModel();
                   noteCount();
               });
        resolveRoles();
    }
    rebuild();
    endResetModel();
    noteCount();
}

bool PeopleSortModel::resolveRoles()
{
    const QAbstractItemModel *model = sourceModel();
    if (!model)
        return false;
    const auto names = model->roleNames();
    const int rank = names.key("statusRank", -1);
    const int name = names.key("name", -1);
    const int userId = names.key("userId", -1);
    if (rank == m_rankRole && name == m_nameRole && userId == m_userIdRole)
        return false;
    m_rankRole = rank;
    m_nameRole = name;
    m_userIdRole = userId;
    return true;
}

PeopleSortModel::Key PeopleSortModel::makeKey(int sourceRow, const Key *previous) const
{
    Key key;
    const QModelIndex idx = sourceModel()->index(sourceRow, 0);
    if (m_rankRole >= 0)
        key.rank = idx.data(m_rankRole).toInt();
    if (m_nameRole >= 0) {
        key.name = idx.data(m_nameRole).toString();
        if (previous && previous->name == key.name) {
            key.folded = previous->folded; // a collation key costs more than the rest of the row
            key.collation = previous->collation;
        } else if (m_cLocale) {
            key.folded = key.name.toCaseFolded();
        } else {
            key.collation = m_collator.sortKey(key.name);
        }
    }
    if (m_userIdRole >= 0)
        key.userId = idx.data(m_userIdRole).toString();
    return key;
}

bool PeopleSortModel::sameKey(const Key &a, const Key &b) const
{
    return a.rank == b.rank && a.name == b.name && a.userId == b.userId;
}

int PeopleSortModel::compareKeys(const Key &a, const Key &b) const
{
    if (m_rankRole < 0 && m_nameRole < 0)
        return 0; // not a people model (yet): the source order
    if (a.rank != b.rank)
        return a.rank < b.rank ? -1 : 1;
    if (m_nameRole >= 0) {
        const int c = a.collation && b.collation ? a.collation->compare(*b.collation)
                                                 : QStringView(a.folded).compare(QStringView(b.folded));
        if (c != 0)
            return c;
    }
    return QStringView(a.userId).compare(QStringView(b.userId));
}

bool PeopleSortModel::less(int sourceRowA, int sourceRowB) const
{
    const int c = compareKeys(m_keys[sourceRowA], m_keys[sourceRowB]);
    return c != 0 ? c < 0 : sourceRowA < sourceRowB;
}

bool PeopleSortModel::accepts(const Key &key) const
{
    if (m_filterText.isEmpty() || m_nameRole < 0)
        return true;
    return key.name.contains(m_filterText, Qt::CaseInsensitive)
        || (m_userIdRole >= 0 && key.userId.contains(m_filterText, Qt::CaseInsensitive));
}

void PeopleSortModel::clear()
{
    m_keys.clear();
    m_order.clear();
    m_visible.clear();
}

void PeopleSortModel::rebuild()
{
    clear();
    const QAbstractItemModel *model = sourceModel();
    if (!model)
        return;
    const int rows = model->rowCount();
    m_keys.reserve(rows);
    m_order.reserve(rows);
    for (int row = 0; row < rows; ++row) {
        m_keys.push_back(makeKey(row));
        m_order.push_back(row);
    }
    std::sort(m_order.begin(), m_order.end(), [this](int a, int b) { return less(a, b); });
    for (int row : m_order) {
        if (accepts(m_keys[row]))
            m_visible.push_back(row);
    }
}

void PeopleSortModel::resetFromSource()
{
    beginResetModel();
    rebuild();
    endResetModel();
    noteCount();
}

void PeopleSortModel::noteCount()
{
    if (m_splicing || visibleCount() == m_reportedCount)
        return;
    m_reportedCount = visibleCount();
    Q_EMIT countChanged();
}

int PeopleSortModel::visibleCount() const
{
    if (m_splicing)
        return int(m_head.size() + (m_visible.size() - m_tail));
    return int(m_visible.size());
}

int PeopleSortModel::visibleAt(int proxyRow) const
{
    if (!m_splicing)
        return m_visible[proxyRow];
    const size_t row = size_t(proxyRow);
    return row < m_head.size() ? m_head[row] : m_visible[m_tail + row - m_head.size()];
}

int PeopleSortModel::proxyRowOf(int sourceRow) const
{
    if (sourceRow < 0 || size_t(sourceRow) >= m_keys.size())
        return -1;
    // The visible rows are sorted by less(): a binary search finds the row from its key.
    int lo = 0;
    int hi = visibleCount();
    while (lo < hi) {
        const int mid = lo + (hi - lo) / 2;
        if (less(visibleAt(mid), sourceRow))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < visibleCount() && visibleAt(lo) == sourceRow ? lo : -1;
}

void PeopleSortModel::applyVisible(std::vector<int> next)
{
    m_head.clear();
    m_head.reserve(next.size());
    m_tail = 0;
    m_splicing = true;
    const std::vector<int> &old = m_visible;
    size_t j = 0;
    while (m_tail < old.size() || j < next.size()) {
        if (m_tail < old.size() && j < next.size() && old[m_tail] == next[j]) {
            m_head.push_back(next[j]);
            ++m_tail;
            ++j;
            continue;
        }
        // Old rows that sort before the next new one are gone.
        size_t end = m_tail;
        while (end < old.size() && (j == next.size() || less(old[end], next[j])))
            ++end;
        if (end > m_tail) {
            const int at = int(m_head.size());
            beginRemoveRows(QModelIndex(), at, at + int(end - m_tail) - 1);
            m_tail = end;
            endRemoveRows();
            continue;
        }
        // New rows that sort before the next old one arrive.
        end = j;
        while (end < next.size() && (m_tail == old.size() || less(next[end], old[m_tail])))
            ++end;
        const int at = int(m_head.size());
        beginInsertRows(QModelIndex(), at, at + int(end - j) - 1);
        m_head.insert(m_head.end(), next.begin() + j, next.begin() + end);
        endInsertRows();
        j = end;
    }
    m_visible.swap(m_head);
    m_head.clear();
    m_tail = 0;
    m_splicing = false;
    noteCount();
}

void PeopleSortModel::setFilterText(const QString &text)
{
    if (text == m_filterText)
        return;
    const QString previous = m_filterText;
    m_filterText = text;
    Q_EMIT filterTextChanged();
    if (m_nameRole < 0)
        return; // everything is shown either way
    // A longer search hides rows and shows none: only the visible ones need a look. Otherwise
    // the full order is walked; nothing is sorted again.
    const bool narrowing = previous.isEmpty() || text.contains(previous, Qt::CaseInsensitive);
    const std::vector<int> &candidates = narrowing ? m_visible : m_order;
    std::vector<int> next;
    next.reserve(candidates.size());
    for (int row : candidates) {
        if (accepts(m_keys[row]))
            next.push_back(row);
    }
    applyVisible(std::move(next));
}

void PeopleSortModel::onRowsInserted(const QModelIndex &parent, int first, int last)
{
    if (parent.isValid())
        return;
    // A QML ListModel only knows its roles after the first row arrives.
    if ((m_rankRole < 0 || m_nameRole < 0) && resolveRoles() && !m_keys.empty()) {
        resetFromSource(); // rows keyed without those roles: a different model, in effect
        return;
    }
    const int count = last - first + 1;
    for (int &row : m_order) {
        if (row >= first)
            row += count;
    }
    for (int &row : m_visible) {
        if (row >= first)
            row += count;
    }
    std::vector<Key> fresh;
    fresh.reserve(count);
    std::vector<int> added;
    added.reserve(count);
    for (int row = first; row <= last; ++row) {
        fresh.push_back(makeKey(row));
        added.push_back(row);
    }
    m_keys.insert(m_keys.begin() + first, std::make_move_iterator(fresh.begin()),
                  std::make_move_iterator(fresh.end()));
    const auto byKey = [this](int a, int b) { return less(a, b); };
    std::sort(added.begin(), added.end(), byKey);

    m_order = merged(m_order, added);
    added.erase(std::remove_if(added.begin(), added.end(), [this](int row) { return !accepts(m_keys[row]); }),
                added.end());
    if (!added.empty())
        applyVisible(merged(m_visible, added));
}

std::vector<int> PeopleSortModel::merged(const std::vector<int> &rows, const std::vector<int> &added) const
{
    // A binary search per added row rather than std::merge's comparison per element: a room
    // arrives in ranges of ~100 people into lists of thousands.
    const auto byKey = [this](int a, int b) { return less(a, b); };
    std::vector<int> out;
    out.reserve(rows.size() + added.size());
    auto from = rows.begin();
    for (int row : added) {
        const auto at = std::lower_bound(from, rows.end(), row, byKey);
        out.insert(out.end(), from, at);
        out.push_back(row);
        from = at;
    }
    out.insert(out.end(), from, rows.end());
    return out;
}

void PeopleSortModel::onRowsAboutToBeRemoved(const QModelIndex &parent, int first, int last)
{
    if (parent.isValid())
        return;
    const auto doomed = [first, last](int row) { return row >= first && row <= last; };
    m_order.erase(std::remove_if(m_order.begin(), m_order.end(), doomed), m_order.end());
    if (std::none_of(m_visible.begin(), m_visible.end(), doomed))
        return;
    std::vector<int> next;
    next.reserve(m_visible.size());
    std::copy_if(m_visible.begin(), m_visible.end(), std::back_inserter(next),
                 [&doomed](int row) { return !doomed(row); });
    applyVisible(std::move(next));
}

void PeopleSortModel::onRowsRemoved(const QModelIndex &parent, int first, int last)
{
    if (parent.isValid())
        return;
    const int count = last - first + 1;
    m_keys.erase(m_keys.begin() + first, m_keys.begin() + last + 1);
    for (int &row : m_order) {
        if (row > last)
            row -= count;
    }
    for (int &row : m_visible) {
        if (row > last)
            row -= count;
    }
}

void PeopleSortModel::onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
                                    const QList<int> &roles)
{
    if (!topLeft.isValid() || topLeft.parent().isValid())
        return;
    const bool keyRoles = roles.isEmpty() || (m_rankRole >= 0 && roles.contains(m_rankRole))
        || (m_nameRole >= 0 && roles.contains(m_nameRole))
        || (m_userIdRole >= 0 && roles.contains(m_userIdRole));
    std::vector<int> unmoved; // source rows whose place and visibility stay
    for (int row = topLeft.row(); row <= bottomRight.row(); ++row) {
        if (keyRoles) {
            Key key = makeKey(row, &m_keys[row]);
            if (!sameKey(key, m_keys[row])) {
                updateRow(row, std::move(key));
                continue;
            }
        }
        unmoved.push_back(row);
    }
    std::vector<int> proxyRows;
    proxyRows.reserve(unmoved.size());
    for (int row : unmoved) {
        const int proxyRow = proxyRowOf(row);
        if (proxyRow >= 0)
            proxyRows.push_back(proxyRow);
    }
    std::sort(proxyRows.begin(), proxyRows.end());
    const int lastColumn = columnCount() - 1;
    for (size_t i = 0; i < proxyRows.size();) {
        size_t end = i + 1;
        while (end < proxyRows.size() && proxyRows[end] == proxyRows[end - 1] + 1)
            ++end;
        Q_EMIT dataChanged(index(proxyRows[i], topLeft.column()),
                           index(proxyRows[end - 1], qMin(bottomRight.column(), lastColumn)), roles);
        i = end;
    }
}

void PeopleSortModel::updateRow(int sourceRow, Key key)
{
    const auto byKey = [this](int a, int b) { return less(a, b); };
    // Out of the full order while the old key still places it...
    auto at = std::lower_bound(m_order.begin(), m_order.end(), sourceRow, byKey);
    if (at == m_order.end() || *at != sourceRow) {
        // Cannot happen while every source change reaches us; if one did not, start over.
        qCWarning(lcUi) << "PeopleSortModel: row" << sourceRow << "out of order, rebuilding";
        resetFromSource();
        return;
    }
    m_order.erase(at);
    const int oldProxy = proxyRowOf(sourceRow);
    // ...and back in where the new one does.
    m_keys[sourceRow] = std::move(key);
    m_order.insert(std::lower_bound(m_order.begin(), m_order.end(), sourceRow, byKey), sourceRow);
    const bool shown = accepts(m_keys[sourceRow]);
    const auto begin = m_visible.begin();

    if (oldProxy < 0) {
        if (!shown)
            return;
        const int row = int(std::lower_bound(begin, m_visible.end(), sourceRow, byKey) - begin);
        beginInsertRows(QModelIndex(), row, row);
        m_visible.insert(m_visible.begin() + row, sourceRow);
        endInsertRows();
        noteCount();
        return;
    }
    if (!shown) {
        beginRemoveRows(QModelIndex(), oldProxy, oldProxy);
        m_visible.erase(begin + oldProxy);
        endRemoveRows();
        noteCount();
        return;
    }
    // Still shown: the other visible rows stay sorted, so its new place is a binary search on
    // whichever side of the old one it now belongs.
    int row = oldProxy;
    if (oldProxy > 0 && less(sourceRow, m_visible[oldProxy - 1])) {
        row = int(std::lower_bound(begin, begin + oldProxy, sourceRow, byKey) - begin);
        beginMoveRows(QModelIndex(), oldProxy, oldProxy, QModelIndex(), row);
        std::rotate(begin + row, begin + oldProxy, begin + oldProxy + 1);
        endMoveRows();
    } else if (size_t(oldProxy) + 1 < m_visible.size() && less(m_visible[oldProxy + 1], sourceRow)) {
        const int destination = int(std::lower_bound(begin + oldProxy + 1, m_visible.end(), sourceRow, byKey) - begin);
        row = destination - 1;
        beginMoveRows(QModelIndex(), oldProxy, oldProxy, QModelIndex(), destination);
        std::rotate(begin + oldProxy, begin + oldProxy + 1, begin + destination);
        endMoveRows();
    }
    const QModelIndex changed = index(row, 0);
    Q_EMIT dataChanged(changed, changed.siblingAtColumn(columnCount() - 1));
}

void PeopleSortModel::onLayoutAboutToBeChanged()
{
    Q_EMIT layoutAboutToBeChanged();
    m_layoutProxy = persistentIndexList();
    m_layoutSource.clear();
    m_layoutSource.reserve(m_layoutProxy.size());
    for (const QModelIndex &idx : std::as_const(m_layoutProxy))
        m_layoutSource << QPersistentModelIndex(mapToSource(idx));
}

void PeopleSortModel::onLayoutChanged()
{
    rebuild();
    for (qsizetype i = 0; i < m_layoutProxy.size(); ++i)
        changePersistentIndex(m_layoutProxy.at(i), mapFromSource(m_layoutSource.at(i)));
    m_layoutProxy.clear();
    m_layoutSource.clear();
    Q_EMIT layoutChanged();
    noteCount();
}

QModelIndex PeopleSortModel::index(int row, int column, const QModelIndex &parent) const
{
    if (parent.isValid() || row < 0 || row >= visibleCount() || column < 0 || column >= columnCount())
        return QModelIndex();
    return createIndex(row, column);
}

QModelIndex PeopleSortModel::parent(const QModelIndex &) const
{
    return QModelIndex();
}

int PeopleSortModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : visibleCount();
}

int PeopleSortModel::columnCount(const QModelIndex &parent) const
{
    if (parent.isValid() || !sourceModel())
        return 0;
    return sourceModel()->columnCount();
}

bool PeopleSortModel::hasChildren(const QModelIndex &parent) const
{
    return !parent.isValid() && visibleCount() > 0;
}

QModelIndex PeopleSortModel::mapToSource(const QModelIndex &proxyIndex) const
{
    if (!proxyIndex.isValid() || !sourceModel() || proxyIndex.row() >= visibleCount())
        return QModelIndex();
    return sourceModel()->index(visibleAt(proxyIndex.row()), proxyIndex.column());
}

QModelIndex PeopleSortModel::mapFromSource(const QModelIndex &sourceIndex) const
{
    if (!sourceIndex.isValid() || sourceIndex.parent().isValid())
        return QModelIndex();
    const int row = proxyRowOf(sourceIndex.row());
    return row < 0 ? QModelIndex() : index(row, sourceIndex.column());
}

} // namespace Hallway
