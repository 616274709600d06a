#pragma once
// rowAsMap: one row of a list model as {roleName: value}, for the models' Q_INVOKABLE get(row)
// (QML and the CLI read rows by role name). Goes through data(), so it shows what views see.
#include <QAbstractItemModel>
#include <QVariantMap>

namespace Hallway {

inline QVariantMap rowAsMap(const QAbstractItemModel &model, int row)
{
    QVariantMap out;
    if (row < 0 || row >= model.rowCount())
        return out;
    const QModelIndex index = model.index(row, 0);
    const auto names = model.roleNames();
    for (auto it = names.cbegin(); it != names.cend(); ++it)
        out.insert(QString::fromUtf8(it.value()), model.data(index, it.key()));
    return out;
}

} // namespace Hallway
