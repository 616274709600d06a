#pragma once
// RoomListModel: the rooms we have joined, one row per Room, for the room switcher. Owned by
// the Session (Session.rooms), which adds a Room on join() and removes it on leave(); the
// model does not own the Rooms. Each row follows its Room's counts and typing text with a
// dataChanged carrying only the role that changed.
#include "room.h"

#include <QAbstractListModel>
#include <QHash>
#include <QList>
#include <QPointer>
#include <QtQml/qqmlregistration.h>

namespace Hallway {

class RoomListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("RoomListModel belongs to a Session")
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    enum Role {
        NameRole = Qt::UserRole + 1,
        RoomRole,         // Hallway::Room*
        MemberCountRole,  // connections
        OnlineCountRole,  // people
        TypingTextRole,
        JoinedRole,
    };
    Q_ENUM(Role)

    explicit RoomListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(m_rooms.size()); }

    bool addRoom(Room *room);            // false if a room of that name is listed
    bool removeRoom(const QString &name);
    Q_INVOKABLE Hallway::Room *room(const QString &name) const;
    Q_INVOKABLE int indexOf(const QString &name) const { return m_index.value(name, -1); }
    QList<Room *> rooms() const;

Q_SIGNALS:
    void countChanged();

private:
    void roomChanged(Room *room, int role);

    QList<QPointer<Room>> m_rooms;
    QHash<QString, int> m_index; // name -> row
};

} // namespace Hallway
