#include "peoplesortmodel.h"

namespace Hallway {

PeopleSortModel::PeopleSortModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    m_collator.setCaseSensitivity(Qt::CaseInsensitive);
    m_collator.setNumericMode(true);
    setDynamicSortFilter(true);
    connect(this, &QAbstractItemModel::rowsInserted, this, &PeopleSortModel::countChanged);
    connect(this, &QAbstractItemModel::rowsRemoved, this, &PeopleSortModel::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &PeopleSortModel::countChanged);
    connect(this, &QAbstractItemModel::layoutChanged, this, &PeopleSortModel::countChanged);
}

void PeopleSortModel::setSourceModel(QAbstractItemModel *model)
{
    for (const auto &c : std::as_const(m_sourceConnections))
        disconnect(c);
    m_sourceConnections.clear();
    m_rankRole = m_nameRole = m_userIdRole = -1;
    QSortFilterProxyModel::setSourceModel(model);
    if (model) {
        // A QML ListModel only knows its roles after the first row arrives.
        const auto refresh = [this] {
            if (m_rankRole < 0 || m_nameRole < 0)
                resolveRoles();
        };
        m_sourceConnections << connect(model, &QAbstractItemModel::rowsInserted, this, refresh)
                            << connect(model, &QAbstractItemModel::modelReset, this, [this] {
                                   m_rankRole = m_nameRole = -1;
                                   resolveRoles();
                               });
    }
    resolveRoles();
    Q_EMIT countChanged();
}

void PeopleSortModel::resolveRoles()
{
    const QAbstractItemModel *model = sourceModel();
    if (!model)
        return;
    const auto names = model->roleNames();
    const int rank = names.key("statusRank", -1);
    const int name = names.key("name", -1);
    const int userId = names.key("userId", -1);
    if (rank == m_rankRole && name == m_nameRole && userId == m_userIdRole)
        return;
    m_rankRole = rank;
    m_nameRole = name;
    m_userIdRole = userId;
    // Re-sorts when a row's rank changes (dataChanged carrying the statusRank role).
    if (m_rankRole >= 0)
        setSortRole(m_rankRole);
    if (m_rankRole >= 0 || m_nameRole >= 0)
        sort(0, Qt::AscendingOrder);
    invalidate();
}

void PeopleSortModel::setFilterText(const QString &text)
{
    if (text == m_filterText)
        return;
    m_filterText = text;
    Q_EMIT filterTextChanged();
    invalidateFilter();
    Q_EMIT countChanged();
}

bool PeopleSortModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    if (m_rankRole >= 0) {
        const int l = left.data(m_rankRole).toInt();
        const int r = right.data(m_rankRole).toInt();
        if (l != r)
            return l < r;
    }
    if (m_nameRole >= 0) {
        const int c = m_collator.compare(left.data(m_nameRole).toString(),
                                         right.data(m_nameRole).toString());
        if (c != 0)
            return c < 0;
    }
    if (m_userIdRole >= 0)
        return left.data(m_userIdRole).toString() < right.data(m_userIdRole).toString();
    return left.row() < right.row();
}

bool PeopleSortModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_filterText.isEmpty() || m_nameRole < 0)
        return true;
    const QModelIndex idx = sourceModel()->index(sourceRow, 0, sourceParent);
    return idx.data(m_nameRole).toString().contains(m_filterText, Qt::CaseInsensitive)
        || (m_userIdRole >= 0
            && idx.data(m_userIdRole).toString().contains(m_filterText, Qt::CaseInsensitive));
}

} // namespace Hallway
