#pragma once
// PeopleSortModel: the people panel's view of a room's UserModel (or any list model with
// the same role names, e.g. a QML ListModel in previews): sorted by statusRank (online 0,
// away 1, busy 2) then by name (locale aware, case-insensitive) then userId, optionally
// filtered by a search string. Owned by the QML delegate tree that declares it.
#include <QCollator>
#include <QSortFilterProxyModel>
#include <QtQml/qqmlregistration.h>

namespace Hallway {

class PeopleSortModel : public QSortFilterProxyModel
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString filterText READ filterText WRITE setFilterText NOTIFY filterTextChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    explicit PeopleSortModel(QObject *parent = nullptr);

    void setSourceModel(QAbstractItemModel *model) override;

    QString filterText() const { return m_filterText; }
    void setFilterText(const QString &text);
    int count() const { return rowCount(); }

Q_SIGNALS:
    void filterTextChanged();
    void countChanged();

protected:
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    void resolveRoles();

    QString m_filterText;
    QCollator m_collator;
    int m_rankRole = -1;
    int m_nameRole = -1;
    int m_userIdRole = -1;
    QList<QMetaObject::Connection> m_sourceConnections;
};

} // namespace Hallway
