#pragma once
// MemberModel: the connections present in one room, one row per connection, as QML sees them
// (connection id, who it belongs to, its raw presence state and the status derived from it).
// Owned by its Room, which is the only writer: Room applies presence events and snapshot
// diffs through the mutators below, each of which emits a precise insert, remove or
// dataChanged carrying only the roles that changed. Rows are KeyedRows (keyedrows.h): found by
// connection id in O(log n), and a removal shifts row pointers without re-indexing the rows
// after it. It knows nothing of sockets and decides no membership (ClientCore does; Room
// applies what it emits). UserModel groups these rows into people.
#include <QAbstractListModel>
#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QtQml/qqmlregistration.h>

#include <optional>

#include "keyedrows.h"
#include "presencetypes.h"

namespace Hallway {

class MemberModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("MemberModel belongs to a Room")
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(QString selfConnectionId READ selfConnectionId NOTIFY selfConnectionIdChanged)

public:
    enum Role {
        ConnectionIdRole = Qt::UserRole + 1,
        UserIdRole,
        NameRole,
        AvatarRole,     // an https URL from metadata.avatar, or "" (refused or none)
        StateRole,      // QVariantMap: the raw state object ({} when none)
        StatusRole,     // "online" | "away" | "busy" | a custom string ("ready"); never "typing"
        TypingRole,     // bool: a flag on top of the status (typing while busy stays busy)
        IsSelfRole,     // bool: this connection is ours
        MetadataRole,   // QVariantMap: the raw connection metadata
    };
    Q_ENUM(Role)

    struct Member {
        QString connectionId;
        QJsonValue metadata;      // {userId, username, avatar?} or null
        QString userId;
        QString name;
        QString avatar;
        QJsonValue state;         // object, or null when none
        QString status;           // derived, see statusOf()
        bool typing = false;
        bool typingExpired = false; // a typing state aged out locally (no expiry event came)
        bool isSelf = false;
        quint64 stateSeq = 0;     // model-wide arrival order of this member's current state
    };

    explicit MemberModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    int count() const { return m_rows.size(); }
    QString selfConnectionId() const { return m_selfId; }

    // Reading (C++): contains() is a hash lookup; rowOf() and find() a binary search.
    bool contains(const QString &connectionId) const { return m_rows.contains(connectionId); }
    int rowOf(const QString &connectionId) const { return m_rows.rowOf(connectionId); }
    const Member &at(int row) const { return m_rows.at(row); }
    const Member *find(const QString &connectionId) const;
    QStringList connectionIds() const;
    Q_INVOKABLE QVariantMap get(int row) const;

    // Writing (Room). Each is idempotent and returns false / an empty list when nothing changed.
    bool insert(const QString &connectionId, const QJsonValue &metadata, const QJsonValue &state = QJsonValue());
    // Many at once (a snapshot): one inserted range. Skips ids already present; returns the ids added.
    QStringList insertMany(const QList<MemberInfo> &members, const QJsonObject &states);
    // The same in two steps: prepareMembers() reads what the server said into rows without
    // the model (it touches nothing shared, so a big snapshot's rows are made on another
    // thread, see RoomFeed); insertPrepared() numbers them, marks ours and inserts them.
    static QList<Member> prepareMembers(const QList<MemberInfo> &members, const QJsonObject &states,
                                        bool allowHttpAvatars);
    QStringList insertPrepared(QList<Member> rows);
    void reserve(int rows) { m_rows.reserve(rows); } // before a big snapshot's ranges

    // A big first snapshot's whole model, rows numbered and hashed off the GUI thread
    // (RoomFeed): prebuild() runs anywhere, on rows from prepareMembers(), numbered from
    // lastSeq() and marked for the self id as insertPrepared() would; nullopt when an id is
    // empty or repeated. adopt() takes them as one inserted range if the model is still empty
    // and nothing it depends on changed meanwhile (canAdopt()).
    struct Prebuilt {
        KeyedRows<Member> rows;
        quint64 seqBase = 0; // rows carry state seqs seqBase + 1 ..
        QString selfId;
        QStringList typing;  // the rows typing
    };
    static std::optional<Prebuilt> prebuild(const QList<Member> &rows, quint64 seqBase, const QString &selfId);
    bool canAdopt(const Prebuilt &prebuilt) const;
    bool adopt(Prebuilt &prebuilt);
    quint64 lastSeq() const { return m_seq; }
    bool remove(const QString &connectionId);
    QList<int> setState(const QString &connectionId, const QJsonValue &state); // changed roles
    QList<int> setMetadata(const QString &connectionId, const QJsonValue &metadata);
    bool expireTyping(const QString &connectionId); // typing aged out locally: typing=false, status unchanged
    void setSelfConnectionId(const QString &connectionId);
    // Avatars from metadata are kept only when https (safeurl.h); true also accepts http://
    // (local development). Applies to metadata filled in afterwards.
    void setAllowHttpAvatars(bool allow);
    bool allowHttpAvatars() const { return m_allowHttpAvatars; }

    // "online" when there is no state or no string status, otherwise state.status (raw: may be
    // "typing").
    static QString statusOf(const QJsonValue &state);
    // The status a state shows (see usermodel.h, PRESENCE RULES): state.status, except that
    // {"status":"typing","base":"away"|"busy"} is that base and any other typing state "online".
    static QString baseStatusOf(const QJsonValue &state);
    static bool isStandardStatus(const QString &status); // online, away, busy, typing

Q_SIGNALS:
    void countChanged();
    void selfConnectionIdChanged();

private:
    QVariant roleData(const Member &m, int role) const;
    void fillFromMetadata(Member &m, const QJsonValue &metadata) const;
    static void fillFromMetadata(Member &m, const QJsonValue &metadata, bool allowHttpAvatars);
    static Member prepareMember(const QString &connectionId, const QJsonValue &metadata, const QJsonValue &state,
                                bool allowHttpAvatars);
    static void deriveStatus(Member &m);
    void emitChanged(int row, const QList<int> &roles);

    KeyedRows<Member> m_rows;  // by connection id
    QString m_selfId;
    quint64 m_seq = 0;
    bool m_allowHttpAvatars = false;
};

} // namespace Hallway
