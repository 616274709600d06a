#include "room.h"

#include "errorcodes.h"
#include "logging.h"

#include <algorithm>

#include <QDateTime>
#include <QSet>

namespace Hallway {

namespace {
const QString kPlaceholderPrefix = QStringLiteral("connection:");
constexpr int kMaxEarlyStates = 256;
} // namespace

Room::Room(const QString &name, QObject *parent)
    : Room(name, ModelOptions(), parent)
{
}

Room::Room(const QString &name, const ModelOptions &options, QObject *parent)
    : QObject(parent)
    , m_name(name)
    , m_options(options)
    , m_members(new MemberModel(this))
    , m_users(new UserModel(this))
    , m_messages(new MessageModel(this))
    , m_typing(new TypingPublisher(options.typing, this))
    , m_tracker(new TypingTracker(this))
    , m_clock(steadyClock())
{
    m_members->setAllowHttpAvatars(options.allowHttpAvatars);
    m_users->setGraceMs(options.userGraceMs);
    m_users->setSource(m_members);
    m_messages->setMaxRows(options.maxMessages);
    m_messages->setHeaderRunMs(options.headerRunMs);
    m_tracker->setExpiryMs(options.remoteTypingExpiryMs);

    connect(m_members, &MemberModel::countChanged, this, &Room::memberCountChanged);
    connect(m_users, &UserModel::availableCountChanged, this, &Room::onlineCountChanged);
    connect(m_tracker, &TypingTracker::changed, this, &Room::typingChanged);
    connect(m_tracker, &TypingTracker::expired, this, [this](const QString &connectionId) {
        m_members->expireTyping(connectionId);
    });
    // Join/leave rows are per person (after the grace period), never per device or for us.
    connect(m_users, &UserModel::personAdded, this, [this](const QString &key, const QString &name) {
        if (m_quietPeople || key.startsWith(kPlaceholderPrefix) || (!m_selfUserId.isEmpty() && key == m_selfUserId)
            || quietFor(key))
            return;
        const UserModel::Person *p = m_users->find(key);
        if (p && p->isSelf)
            return;
        m_messages->addSystem(QStringLiteral("join"), key, name.isEmpty() ? key : name,
                              QDateTime::currentMSecsSinceEpoch());
    });
    connect(m_users, &UserModel::personRemoved, this, [this](const QString &key, const QString &name) {
        if (key.startsWith(kPlaceholderPrefix) || (!m_selfUserId.isEmpty() && key == m_selfUserId) || quietFor(key))
            return;
        m_messages->addSystem(QStringLiteral("leave"), key, name.isEmpty() ? key : name,
                              QDateTime::currentMSecsSinceEpoch());
    });
}

Room::~Room() = default;

void Room::setClock(const Clock &clock)
{
    m_clock = clock ? clock : steadyClock();
    m_users->setClock(clock);
    m_typing->setClock(clock);
    m_tracker->setClock(clock);
}

void Room::setJoined(bool joined)
{
    if (m_joined == joined)
        return;
    m_joined = joined;
    if (!joined)
        m_typing->stop();
    Q_EMIT joinedChanged();
}

// ---- offline ----------------------------------------------------------------------------

void Room::setPresenceKnown(bool known)
{
    if (m_presenceKnown == known)
        return;
    m_presenceKnown = known;
    if (!known) {
        // Everyone listed now (or in their grace period: a graceful shutdown took them out a
        // moment before it closed our link) is of unknown presence until the resync.
        m_users->revealAll();
        for (int row = 0; row < m_users->rowCount(); ++row)
            m_outageKeys.insert(m_users->data(m_users->index(row), UserModel::UserIdRole).toString());
        m_outageQuietUntil = 0;
        m_users->setHeld(true, 0);
        m_typing->stop();
    } else {
        if (!m_outageKeys.isEmpty())
            m_outageQuietUntil = m_clock() + m_options.outageQuietMs;
        m_users->setHeld(false, qMax(m_options.userGraceMs, m_options.outageGraceMs));
    }
    Q_EMIT presenceKnownChanged();
    if (known)
        flushOutbox();
}

bool Room::quietFor(const QString &key) const
{
    if (!m_outageKeys.contains(key))
        return false;
    return m_outageQuietUntil == 0 || m_clock() < m_outageQuietUntil;
}

void Room::setSelfIdentity(const QString &userId, const QString &name)
{
    m_fallbackUserId = userId;
    m_fallbackName = name;
}

// ---- presence ---------------------------------------------------------------------------

void Room::apply(const PresenceEvent &event)
{
    if (event.room != m_name || event.connectionId.isEmpty())
        return;
    switch (event.type) {
    case PresenceEvent::Type::Join:
        join(event.connectionId, event.metadata, true);
        break;
    case PresenceEvent::Type::Leave:
        leave(event.connectionId);
        break;
    case PresenceEvent::Type::State:
        setState(event.connectionId, event.state);
        break;
    }
}

void Room::join(const QString &id, const QJsonValue &metadata, bool notify)
{
    if (m_members->contains(id)) { // a repeated join: at most new metadata
        if (metadata.isObject())
            setMemberMetadata(id, metadata);
        return;
    }
    m_members->insert(id, metadata, m_earlyStates.take(id));
    updateSelfUser();
    syncTyping(id);
    if (notify) {
        const MemberModel::Member *m = m_members->find(id);
        Q_EMIT memberJoined(id, m->userId, m->name);
    }
}

void Room::leave(const QString &id)
{
    m_earlyStates.remove(id);
    const MemberModel::Member *m = m_members->find(id);
    if (!m)
        return;
    const QString userId = m->userId;
    const QString name = m->name;
    const bool self = m->isSelf;
    if (self && m_joined && m_presenceKnown)
        setPresenceKnown(false); // the server took us out without our asking: it is going away
    m_tracker->remove(id);
    m_members->remove(id);
    Q_EMIT memberLeft(id, userId, name);
}

void Room::setState(const QString &id, const QJsonValue &state)
{
    if (!m_members->contains(id)) { // before its join (or its metadata) arrived
        if (m_earlyStates.size() < kMaxEarlyStates || m_earlyStates.contains(id))
            m_earlyStates.insert(id, state);
        return;
    }
    const QList<int> roles = m_members->setState(id, state);
    syncTyping(id); // every typing state restarts the local expiry, changed or not
    if (!roles.isEmpty()) {
        const MemberModel::Member *m = m_members->find(id);
        Q_EMIT memberStateChanged(id, m->userId, m->name);
    }
}

QList<MemberInfo> Room::applySnapshot(const PresenceSnapshot &snapshot, int maxNewcomers)
{
    if (snapshot.room != m_name)
        return {};
    const bool initial = !m_initialSnapshotDone;
    m_initialSnapshotDone = true;
    m_quietPeople = initial;
    m_announceNewcomers = !initial;
    // Room for everyone up front: grown range by range, the hashes would rehash again and again.
    const int upTo = m_members->count() + int(snapshot.members.size());
    m_members->reserve(upTo);
    m_users->reserve(upTo);

    if (m_members->count() == 0) {
        // Nobody to update or remove: everyone is a newcomer (addMembers drops departed ids),
        // and a big room's first snapshot costs this turn only its first range.
        QList<MemberInfo> rest = snapshot.members;
        QList<MemberInfo> first;
        if (maxNewcomers >= 0 && rest.size() > maxNewcomers) {
            first = rest.first(maxNewcomers);
            rest.remove(0, maxNewcomers);
        } else {
            first = std::exchange(rest, {});
        }
        addMembers(first, snapshot.states);
        m_earlyStates.clear();
        m_quietPeople = false;
        return rest;
    }
    // Inserts and updates first, removals last, so a person whose device was replaced (our
    // own reconnect, typically) never drops to zero devices and never flickers.
    QSet<QString> present;
    present.reserve(snapshot.members.size());
    QList<MemberInfo> newcomers;
    for (const MemberInfo &info : snapshot.members) {
        const QString &id = info.connectionId;
        if (id.isEmpty())
            continue;
        present.insert(id);
        if (!m_members->contains(id)) {
            newcomers.append(info);
            continue;
        }
        if (info.metadata.isObject())
            setMemberMetadata(id, info.metadata);
        setState(id, snapshot.states.value(id));
    }
    QList<MemberInfo> rest;
    if (maxNewcomers >= 0 && newcomers.size() > maxNewcomers) {
        rest = newcomers.mid(maxNewcomers);
        newcomers.resize(maxNewcomers);
    }
    addMembers(newcomers, snapshot.states);
    const QStringList current = m_members->connectionIds();
    const QString self = m_members->selfConnectionId();
    for (const QString &id : current) {
        // Our own connection is in a room we joined whatever a snapshot raced with (a leave
        // and join of ours while it was under way): if the server forgot us, the client's
        // membership check reconnects.
        if (!present.contains(id) && id != self)
            leave(id);
    }
    m_earlyStates.clear();
    m_quietPeople = false;
    return rest;
}

bool Room::canAdoptSnapshot() const
{
    return !m_initialSnapshotDone && m_members->count() == 0 && m_users->count() == 0 && m_users->canPrebuild();
}

bool Room::adoptPrebuilt(MemberModel::Prebuilt &members, UserModel::Prebuilt &people)
{
    if (!canAdoptSnapshot() || !m_members->canAdopt(members) || !m_users->canAdopt(people))
        return false;
    m_initialSnapshotDone = true;
    m_announceNewcomers = false; // a first snapshot's people arrive quietly, as applySnapshot() has it
    m_users->adoptHidden(people);
    const QStringList typing = members.typing;
    m_members->adopt(members);
    updateSelfUser();
    for (const QString &id : typing)
        syncTyping(id);
    m_earlyStates.clear();
    return true;
}

int Room::revealPeople(int people)
{
    const bool wasQuiet = std::exchange(m_quietPeople, m_quietPeople || !m_announceNewcomers);
    m_users->revealHidden(people);
    m_quietPeople = wasQuiet;
    return m_users->hiddenCount();
}

void Room::addMembers(const QList<MemberInfo> &newcomers, const QJsonObject &states)
{
    addPreparedMembers(MemberModel::prepareMembers(newcomers, states, m_members->allowHttpAvatars()));
}

void Room::addPreparedMembers(QList<MemberModel::Member> rows)
{
    // Newcomers go in as one inserted range (a big room's first snapshot is thousands of rows).
    // The first snapshot's people arrive quietly (no "joined" rows), however many turns it takes.
    const bool wasQuiet = std::exchange(m_quietPeople, m_quietPeople || !m_announceNewcomers);
    const QStringList added = m_members->insertPrepared(std::move(rows));
    if (!added.isEmpty())
        updateSelfUser();
    m_quietPeople = wasQuiet;
    // The added rows are the last ones, in order; a slot below may change the model, so each
    // row is checked before it is used instead of searched for.
    const int firstRow = m_members->count() - int(added.size());
    for (int i = 0; i < added.size(); ++i) {
        const QString &id = added.at(i);
        if (!m_earlyStates.isEmpty())
            m_earlyStates.remove(id);
        const int row = firstRow + i;
        const MemberModel::Member *m = row >= 0 && row < m_members->count() && m_members->at(row).connectionId == id
            ? &m_members->at(row) : m_members->find(id);
        if (!m)
            continue;
        if (m->typing)
            syncTyping(id);
        if (m_announceNewcomers)
            Q_EMIT memberJoined(id, m->userId, m->name);
    }
}

void Room::setPresenceError(const QString &message)
{
    if (m_presenceError == message)
        return;
    m_presenceError = message;
    Q_EMIT presenceErrorChanged();
}

void Room::ensureSelfListed(const QJsonValue &metadata)
{
    const QString self = m_members->selfConnectionId();
    if (self.isEmpty() || m_members->contains(self))
        return;
    join(self, metadata, false);
}

void Room::setMemberMetadata(const QString &connectionId, const QJsonValue &metadata)
{
    if (m_members->setMetadata(connectionId, metadata).isEmpty())
        return;
    updateSelfUser();
    // Typing names follow the metadata.
    const MemberModel::Member *m = m_members->find(connectionId);
    if (m && m->typing)
        syncTyping(connectionId);
}

void Room::setSelfConnectionId(const QString &connectionId)
{
    if (connectionId == m_members->selfConnectionId())
        return;
    m_members->setSelfConnectionId(connectionId);
    updateSelfUser();
    syncTyping(connectionId);
    Q_EMIT selfChanged();
}

void Room::setSelfUserId(const QString &userId)
{
    m_selfUserExplicit = !userId.isEmpty();
    if (userId == m_selfUserId)
        return;
    m_selfUserId = userId;
    m_messages->setSelfUserId(userId);
    // Our own user's other devices are "us": never list them as typing. Only typists can be
    // listed, so only they are looked at (not 20,000 lookups for a big room).
    QStringList typists;
    for (int row = 0; row < m_members->count(); ++row) {
        if (m_members->at(row).typing)
            typists.append(m_members->at(row).connectionId);
    }
    for (const QString &id : std::as_const(typists))
        syncTyping(id);
    Q_EMIT selfChanged();
}

void Room::updateSelfUser()
{
    if (m_selfUserExplicit)
        return;
    const MemberModel::Member *self = m_members->find(m_members->selfConnectionId());
    if (!self || self->userId.isEmpty() || self->userId == m_selfUserId)
        return;
    setSelfUserId(self->userId);
    m_selfUserExplicit = false;
}

void Room::syncTyping(const QString &connectionId)
{
    const MemberModel::Member *m = m_members->find(connectionId);
    if (!m) {
        m_tracker->remove(connectionId);
        return;
    }
    const bool us = m->isSelf || (!m_selfUserId.isEmpty() && m->userId == m_selfUserId);
    m_tracker->update(connectionId, m->userId, m->name, m->typing && !us);
}

// ---- chat -------------------------------------------------------------------------------

void Room::addHistory(const QJsonArray &history)
{
    m_messages->addHistory(history);
}

void Room::addMessage(const QJsonValue &message)
{
    m_messages->addLive(message);
}

QString Room::sendMessage(const QString &text)
{
    if (text.trimmed().isEmpty())
        return QString();
    const MemberModel::Member *self = m_members->find(m_members->selfConnectionId());
    const QString userId = !m_selfUserId.isEmpty() ? m_selfUserId : m_fallbackUserId;
    QString name = self ? self->name : QString();
    if (name.isEmpty()) {
        const UserModel::Person *p = userId.isEmpty() ? nullptr : m_users->find(userId);
        name = p && !p->name.isEmpty() ? p->name : (!m_fallbackName.isEmpty() ? m_fallbackName : userId);
    }
    const QString localId = m_messages->addPending(text, userId, name);
    m_outboxOrder.insert(localId, ++m_outboxSeq);
    m_typing->messageSent();
    if (!m_draft.isEmpty()) {
        m_draft.clear();
        Q_EMIT draftChanged();
    }
    Q_EMIT userActivity();
    if (m_presenceKnown && m_outbox.isEmpty()) {
        const int row = m_messages->rowOfLocal(localId);
        send(localId, text, row >= 0 ? m_messages->at(row).clientId : localId);
    } else {
        queue(localId); // offline, or older messages still wait: keep the order typed
    }
    return localId;
}

void Room::queue(const QString &localId)
{
    if (m_outbox.contains(localId))
        return;
    const qint64 seq = m_outboxOrder.value(localId);
    auto pos = std::find_if(m_outbox.begin(), m_outbox.end(),
                            [&](const QString &id) { return m_outboxOrder.value(id) > seq; });
    m_outbox.insert(pos, localId);
    Q_EMIT outboxCountChanged();
}

void Room::flushOutbox()
{
    if (m_outbox.isEmpty() || !m_presenceKnown)
        return;
    const QStringList ids = std::exchange(m_outbox, {});
    Q_EMIT outboxCountChanged();
    for (const QString &localId : ids) {
        const int row = m_messages->rowOfLocal(localId);
        if (row < 0)
            continue; // scrolled out of the kept rows: nothing to show it in
        const MessageModel::Message &m = m_messages->at(row);
        if (!m.pending || !m.messageId.isEmpty())
            continue; // settled meanwhile (its echo came)
        send(localId, m.text, m.clientId);
    }
}

bool Room::retryMessage(const QString &localId)
{
    QString text, clientId;
    if (!m_messages->prepareRetry(localId, &text, &clientId))
        return false;
    send(localId, text, clientId);
    return true;
}

void Room::send(const QString &localId, const QString &text, const QString &clientId)
{
    const QJsonObject payload{
        {QStringLiteral("room"), m_name},
        {QStringLiteral("text"), text},
        {QStringLiteral("clientId"), clientId},
    };
    Q_EMIT sendRequested(localId, payload);
    if (m_send)
        m_send(localId, payload);
}

void Room::messageSent(const QString &localId, const QJsonObject &result)
{
    m_outboxOrder.remove(localId);
    m_messages->markSent(localId, result);
}

bool Room::isConnectionError(const QString &errorCode, bool linkUp)
{
    // A reply lost with the link: the server may or may not have it; the same clientId makes
    // sending it again safe. A timeout or a failed attempt counts only while offline.
    if (errorCode == ErrorCode::ConnectionLost)
        return true;
    return !linkUp && (errorCode == ErrorCode::Timeout || errorCode == ErrorCode::Network);
}

void Room::messageFailed(const QString &localId, const QString &errorCode, bool retryLater)
{
    qCDebug(lcPresence) << "room" << m_name << "send failed:" << errorCode << (retryLater ? "(will retry)" : "");
    if (retryLater) {
        const int row = m_messages->rowOfLocal(localId);
        if (row >= 0 && m_messages->at(row).pending) {
            queue(localId);
            // Sent again at once if we still count as online (the failure comes before the
            // status change): the client holds it until its resync, in order.
            flushOutbox();
            return;
        }
    }
    m_messages->markFailed(localId, errorCode);
}

void Room::setComposerText(const QString &text)
{
    if (text != m_draft) {
        m_draft = text;
        Q_EMIT draftChanged();
    }
    m_typing->setText(text);
}

} // namespace Hallway
