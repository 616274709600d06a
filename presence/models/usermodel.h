#pragma once
// UserModel: Hallway's createPresence (docs/protocol.md §10): it groups the connections of a
// MemberModel into people, one row per person, and merges their devices' states. Room owns
// one (grouped by metadata userId) as Room.users; QML may create more over room.members with
// another grouping (groupBy: "team", or a keyFunction). It follows its source row by row:
// every member insert, removal or change touches one person in O(devices of that person),
// never a scan of all rows, so a reconnect's snapshot diff regroups without a reset.
//
// Key: metadata.userId by default; `groupBy` names another metadata field; a key function
// (C++ setKeyFunction, QML keyFunction(metadata, connectionId)) overrides both. A connection
// whose key comes out empty (no metadata yet) is its own person until its metadata arrives.
//
// PRESENCE RULES (what a person's row says; the views only show these roles):
//   a. Typing is a flag, never a status. A device typing publishes {"status":"typing",
//      "base":<its status>}; it shows its base (online/away/busy) with typing = true. A typing
//      state without a usable base (other clients) is online + typing. So a busy person who
//      types stays busy (same section, same place in the list) and an away typist is
//      away-and-typing.
//   b. typing = any device typing (a remote typing state ages out locally, TypingTracker).
//   c. status, MERGE RULE (over the devices currently connected): if any device has a custom
//      status (anything but online/away/busy, e.g. "ready", "spectating"), the custom status
//      of the device whose state is newest wins; otherwise the most available standard status
//      among devices: online > busy > away (a device with no state counts as online): a person
//      is as reachable as their most reachable device.
//   d. Sections (statusRank): online and custom 0, away 1, busy 2.
//   e. availableCount ("N online" in the room header and sidebar) counts people of rank 0
//      only: away and busy people are listed but not counted as online.
//   f. Our own status (StatusController): automatic away after idleTimeoutMs without
//      activity; key presses, mouse input AND sending a message are activity (Session), so
//      someone who keeps posting never turns away.
//   g. While our own connection is down, nobody's presence is known: the room keeps its rows
//      and says so (Room.presenceKnown false; the views grey them and count nobody online);
//      the resync after our outage writes no join/leave lines (Room).
//   `state` is the devices' state objects shallow-merged oldest to newest (newest keys win),
//   with "status" set to the merged status. isSelf: any device is ours.
// GRACE: when a person's last device leaves, the row stays for `graceMs` (default 3000) with
// its status, typing and state frozen (connections drops to 0); a device of the same person
// arriving within that time takes the row back without any remove/insert; otherwise the row
// is removed when the grace period ends.
#include "membermodel.h"
#include "modeloptions.h"
#include "presencestatus.h"

#include <QAbstractListModel>
#include <QHash>
#include <QJSValue>
#include <QJsonObject>
#include <QPointer>
#include <QTimer>
#include <QVarLengthArray>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

#include "keyedrows.h"
#include <functional>
#include <vector>

QT_FORWARD_DECLARE_CLASS(QJSEngine)

namespace Hallway {

class UserModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(Hallway::MemberModel *source READ source WRITE setSource NOTIFY sourceChanged)
    Q_PROPERTY(QString groupBy READ groupBy WRITE setGroupBy NOTIFY groupByChanged)
    Q_PROPERTY(QJSValue keyFunction READ keyFunction WRITE setKeyFunction NOTIFY keyFunctionChanged)
    Q_PROPERTY(int graceMs READ graceMs WRITE setGraceMs NOTIFY graceMsChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(int availableCount READ availableCount NOTIFY availableCountChanged)

public:
    enum Role {
        UserIdRole = Qt::UserRole + 1, // the grouping key
        NameRole,
        AvatarRole,
        ConnectionsRole,   // int: devices connected now (0 during grace)
        StatusRole,        // merged status: online | away | busy | custom (never "typing")
        TypingRole,        // bool
        IsSelfRole,        // bool
        StateRole,         // QVariantMap: merged state
        StatusRankRole,    // int for sorting: online/custom 0, away 1, busy 2
        InitialsRole,      // 1-2 letters from the name
        ColorSeedRole,     // int: stable hash of the key
        HueRole,           // int 0..359 from the same hash
        ConnectionIdsRole, // QStringList
    };
    Q_ENUM(Role)

    using KeyFunction = std::function<QString(const QJsonValue &metadata, const QString &connectionId)>;

    struct Device {
        QString connectionId;
        QString status;
        bool typing = false;
        bool isSelf = false;
        QJsonObject state;
        quint64 seq = 0;
    };
    struct Person {
        QString key;
        QString name;
        QString avatar;
        QVarLengthArray<Device, 1> devices; // live ones only; a person has a handful at most
        QString status = PresenceStatus::word(PresenceStatus::Online);
        bool typing = false;
        bool isSelf = false;
        QJsonObject state; // merged, without the merged status (StateRole adds it)
        bool inGrace = false;
        qint64 graceDeadline = 0;
    };

    explicit UserModel(QObject *parent = nullptr);
    ~UserModel() override;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    MemberModel *source() const { return m_source; }
    void setSource(MemberModel *source);
    QString groupBy() const { return m_groupBy; }
    void setGroupBy(const QString &field);
    QJSValue keyFunction() const { return m_jsKey; }
    void setKeyFunction(const QJSValue &function);
    void setKeyFunction(KeyFunction function); // C++; an empty function restores the default
    int graceMs() const { return m_graceMs; }
    void setGraceMs(int ms);
    void reserve(int connections); // before a big snapshot's ranges (people <= connections)
    int count() const { return m_rows.size() - m_hidden; }
    int availableCount() const { return m_available; } // people of statusRank 0 (rule e)

    // A big first snapshot's people, grouped and hashed off the GUI thread (RoomFeed), for the
    // rows MemberModel::prebuild() makes of the same rows (same numbering and self id).
    // prebuild() runs anywhere; it needs a grouping that runs anywhere (canPrebuild(): no key
    // function). adoptHidden() takes them before the source adopts its rows, and ignores that
    // insert: the people are all there, hashed, but none is a row yet; revealHidden() makes
    // them rows a range at a time (a view's work per row is what costs). Anything else that
    // changes the model first reveals the rest.
    struct Prebuilt {
        KeyedRows<Person> rows;
        QHash<QString, QString> connKey;
        int connections = 0;
        QString groupBy;
    };
    bool canPrebuild() const { return !m_keyFn && !m_jsKey.isCallable(); }
    static Prebuilt prebuild(const QList<MemberModel::Member> &rows, quint64 seqBase, const QString &selfId,
                             const QString &groupBy);
    // The same in two parts that can run at once: the people (connKey left empty), and the
    // connection -> person key map.
    static Prebuilt prebuildPeople(const QList<MemberModel::Member> &rows, quint64 seqBase, const QString &selfId,
                                   const QString &groupBy);
    static QHash<QString, QString> connectionKeys(const QList<MemberModel::Member> &rows, const QString &groupBy);
    bool canAdopt(const Prebuilt &people) const;
    bool adoptHidden(Prebuilt &people);
    int hiddenCount() const { return m_hidden; }
    void revealHidden(int people);
    void revealAll() { revealHidden(m_hidden); }

    // Reading (C++): O(1). People not revealed yet are not there.
    int rowOf(const QString &key) const
    {
        const int row = m_rows.rowOf(key);
        return row < count() ? row : -1;
    }
    const Person *find(const QString &key) const;
    QString keyOfConnection(const QString &connectionId) const { return m_connKey.value(connectionId); }
    Q_INVOKABLE QVariantMap get(int row) const;

    // Our link is down (held): nobody's grace period ends, since we cannot know who is really
    // gone. Released, the people still in grace get releaseGraceMs from now to come back.
    void setHeld(bool held, int releaseGraceMs);
    bool isHeld() const { return m_held; }

    // Tests: inject a clock, then advance it and call processTimers().
    void setClock(Clock clock);
    void processTimers();

    // The merge rule on its own, for tests and other callers.
    static QString mergeStatus(const QList<Device> &devices);
    static QString mergeStatus(const Device *begin, const Device *end);
    static int statusRank(const QString &status);
    // Initials and colour come from identity.h, shared with MessageModel.
    static QString initialsFor(const QString &name);
    static quint32 colorSeedFor(const QString &key); // FNV-1a of the UTF-8 key: stable across runs
    static int hueFor(const QString &key);            // 0..359 from the same hash

Q_SIGNALS:
    void sourceChanged();
    void groupByChanged();
    void keyFunctionChanged();
    void graceMsChanged();
    void countChanged();
    void availableCountChanged();
    void personAdded(const QString &key, const QString &name);   // a new row (not a return within grace)
    void personRemoved(const QString &key, const QString &name); // a row removed (after grace)
    void typingChanged(const QString &key, bool typing);

private:
    QVariant roleData(const Person &p, int role) const;
    QString keyFor(const MemberModel::Member &m) const;
    static QString groupingKey(const MemberModel::Member &m, const QString &groupBy);
    void rebuild();
    void addConnection(const MemberModel::Member &m, bool notify);
    void addConnection(const MemberModel::Member &m, const QString &key, bool notify);
    void removeConnection(const QString &connectionId, bool allowGrace = true);
    void updateConnection(const MemberModel::Member &m, bool regroup);
    static void recompute(Person &p, QList<int> *changed);
    void removeRow(int row);
    void armTimer();
    static bool isAvailable(const Person &p);
    void noteAvailable(bool before, bool after);

    static void adoptIdentity(Person &p, const MemberModel::Member &m, QList<int> &changed);
    static void groupDevice(KeyedRows<Person> &people, const QString &key, const MemberModel::Member &m, Device d);
    void onRowsInserted(const QModelIndex &parent, int first, int last);
    void onRowsAboutToBeRemoved(const QModelIndex &parent, int first, int last);
    void onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight, const QList<int> &roles);

    QPointer<MemberModel> m_source;
    QString m_groupBy;
    QJSValue m_jsKey;
    QPointer<QJSEngine> m_jsEngine;
    KeyFunction m_keyFn;
    int m_graceMs;
    Clock m_clock;
    QTimer m_graceTimer;

    KeyedRows<Person> m_rows;           // by person key
    QHash<QString, QString> m_connKey;  // connectionId -> key
    QHash<QString, qint64> m_grace;     // key -> deadline, people in grace only
    QList<QMetaObject::Connection> m_sourceConnections;
    int m_available = 0;
    int m_hidden = 0;             // adopted people not revealed yet: the last rows
    int m_adoptedConnections = 0; // the source's insert of the rows the hidden people group
    bool m_held = false;
};

} // namespace Hallway
