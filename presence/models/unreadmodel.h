#pragma once
// UnreadModel: the room list (a RoomListModel) with two more roles, `unread` (messages from
// others since we last read the room) and `mentions` (those naming us: our display name as a
// word, or @userId). A room counts as read while it is the currentRoom and the window is
// active; reading remembers the newest message's id and time per server and room in
// ReadMarks, so counts survive restarts (history replayed after a restart counts only what
// is newer than the mark). In a room met for the first time, what was there before counts as read. It also tells the
// desktop layer about each new unread live message (messageArrived) and each room read
// (roomRead), for notifications. It forwards every other role to the RoomListModel, so it
// can replace it in a view. Given a Session it wires itself (rooms, self, server, live
// messages); tests can drive it with a RoomListModel, setSelf() and noteLiveMessage().
#include "roomlistmodel.h"
#include "session.h"

#include <QHash>
#include <QIdentityProxyModel>
#include <QJsonValue>
#include <QPointer>
#include <QRegularExpression>
#include <QtQml/qqmlregistration.h>

namespace Hallway {

// Last-read marks in QSettings under readMarks/<server>/<room>: {id, ts}.
class ReadMarks
{
public:
    struct Mark {
        QString id;
        qint64 tsMs = -1;
        bool isValid() const { return !id.isEmpty() || tsMs >= 0; }
    };
    static Mark load(const QString &server, const QString &room);
    static void save(const QString &server, const QString &room, const Mark &mark);
    static QString key(const QString &server, const QString &room);
};

class UnreadModel : public QIdentityProxyModel
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(Hallway::Session *session READ session WRITE setSession NOTIFY sessionChanged)
    Q_PROPERTY(QString currentRoom READ currentRoom WRITE setCurrentRoom NOTIFY currentRoomChanged)
    Q_PROPERTY(bool active READ isActive WRITE setActive NOTIFY activeChanged)
    Q_PROPERTY(int totalUnread READ totalUnread NOTIFY totalsChanged)
    Q_PROPERTY(int totalMentions READ totalMentions NOTIFY totalsChanged)
    Q_PROPERTY(bool persistent READ isPersistent WRITE setPersistent NOTIFY persistentChanged)
    // As RoomListModel has them, so a view can take either.
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    enum Role {
        UnreadRole = Qt::UserRole + 200, // clear of RoomListModel's roles
        MentionsRole,
    };
    Q_ENUM(Role)

    explicit UnreadModel(QObject *parent = nullptr);
    ~UnreadModel() override;

    Session *session() const { return m_session; }
    void setSession(Session *session);
    void setRoomList(RoomListModel *rooms); // without a Session (tests)
    void setSelf(const QString &userId, const QString &name);
    void setServer(const QString &server); // the key marks are stored under; reloads them

    QString currentRoom() const { return m_current; }
    void setCurrentRoom(const QString &name);
    bool isActive() const { return m_active; }
    void setActive(bool active);
    int totalUnread() const { return m_totalUnread; }
    int totalMentions() const { return m_totalMentions; }
    bool isPersistent() const { return m_persistent; }
    void setPersistent(bool persistent);

    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    int count() const { return rowCount(); }
    Q_INVOKABLE int indexOf(const QString &name) const { return m_rooms ? m_rooms->indexOf(name) : -1; }
    Q_INVOKABLE Hallway::Room *room(const QString &name) const { return m_rooms ? m_rooms->room(name) : nullptr; }
    Q_INVOKABLE int unreadCount(const QString &room) const;
    Q_INVOKABLE int mentionCount(const QString &room) const;
    Q_INVOKABLE QString lastReadId(const QString &room) const;
    Q_INVOKABLE void markRead(const QString &room);
    bool isReading(const QString &room) const { return m_active && room == m_current; }
    bool mentionsUs(const QString &text) const;

    // A live message for `room` has been added to its MessageModel.
    void noteLiveMessage(const QString &room, const QJsonValue &message);

Q_SIGNALS:
    void sessionChanged();
    void currentRoomChanged();
    void activeChanged();
    void totalsChanged();
    void persistentChanged();
    void countChanged();
    void messageArrived(const QString &room, const QString &senderName, const QString &text, bool mention);
    void roomRead(const QString &room);

private:
    struct State {
        QPointer<Room> room;
        QString lastReadId;
        qint64 lastReadTs = -1;
        bool hasMark = false;
        int unread = 0;
        int mentions = 0;
    };
    void attach(Room *room);
    void detach(const QString &name);
    void loadMark(State &state, const QString &name);
    void rowsAdded(const QString &name, int first, int last);
    void recount(const QString &name);
    void setCounts(const QString &name, int unread, int mentions);
    bool counts(const State &state, int row, bool *mention) const;
    void updateTotals();

    QPointer<Session> m_session;
    QPointer<RoomListModel> m_rooms;
    QHash<QString, State> m_states;
    QString m_current;
    QString m_server;
    QString m_selfUserId;
    QString m_selfName;
    QRegularExpression m_nameRe;
    int m_totalUnread = 0;
    int m_totalMentions = 0;
    bool m_active = false;
    bool m_persistent = true;
};

} // namespace Hallway
