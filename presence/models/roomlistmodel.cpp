#include "roomlistmodel.h"

#include "room.h"

namespace Hallway {

RoomListModel::RoomListModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

int RoomListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rooms.size());
}

QHash<int, QByteArray> RoomListModel::roleNames() const
{
    return {
        {NameRole, "name"},
        {RoomRole, "room"},
        {MemberCountRole, "memberCount"},
        {OnlineCountRole, "onlineCount"},
        {TypingTextRole, "typingText"},
        {JoinedRole, "joined"},
    };
}

QVariant RoomListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    Room *room = m_rooms.at(index.row());
    if (!room)
        return {};
    switch (role) {
    case Qt::DisplayRole:
    case NameRole: return room->name();
    case RoomRole: return QVariant::fromValue(room);
    case MemberCountRole: return room->memberCount();
    case OnlineCountRole: return room->onlineCount();
    case TypingTextRole: return room->typingText();
    case JoinedRole: return room->isJoined();
    default: return {};
    }
}

Room *RoomListModel::room(const QString &name) const
{
    const int row = indexOf(name);
    return row < 0 ? nullptr : m_rooms.at(row).data();
}

QList<Room *> RoomListModel::rooms() const
{
    QList<Room *> out;
    for (const auto &r : m_rooms) {
        if (r)
            out.append(r);
    }
    return out;
}

bool RoomListModel::addRoom(Room *room)
{
    if (!room || m_index.contains(room->name()))
        return false;
    const int row = int(m_rooms.size());
    beginInsertRows(QModelIndex(), row, row);
    m_rooms.append(room);
    m_index.insert(room->name(), row);
    endInsertRows();
    connect(room, &Room::memberCountChanged, this, [this, room] { roomChanged(room, MemberCountRole); });
    connect(room, &Room::onlineCountChanged, this, [this, room] { roomChanged(room, OnlineCountRole); });
    connect(room, &Room::typingChanged, this, [this, room] { roomChanged(room, TypingTextRole); });
    connect(room, &Room::joinedChanged, this, [this, room] { roomChanged(room, JoinedRole); });
    const QString name = room->name();
    connect(room, &QObject::destroyed, this, [this, name] { removeRoom(name); });
    Q_EMIT countChanged();
    return true;
}

bool RoomListModel::removeRoom(const QString &name)
{
    const int row = indexOf(name);
    if (row < 0)
        return false;
    if (Room *room = m_rooms.at(row))
        disconnect(room, nullptr, this, nullptr);
    beginRemoveRows(QModelIndex(), row, row);
    m_rooms.removeAt(row);
    m_index.remove(name);
    for (int r = row; r < m_rooms.size(); ++r) {
        if (m_rooms.at(r))
            m_index[m_rooms.at(r)->name()] = r;
    }
    endRemoveRows();
    Q_EMIT countChanged();
    return true;
}

void RoomListModel::roomChanged(Room *room, int role)
{
    const int row = indexOf(room->name());
    if (row < 0)
        return;
    const QModelIndex idx = index(row, 0);
    Q_EMIT dataChanged(idx, idx, {role});
}

} // namespace Hallway
