#include "membermodel.h"
#include "modelrows.h"

#include "logging.h"
#include "presencestatus.h"

#include <QSet>
#include "safeurl.h"

namespace Hallway {

namespace {
QString metaString(const QJsonObject &metadata, QLatin1StringView key)
{
    const QJsonValue v = metadata.value(key);
    return v.isString() ? v.toString() : QString();
}
} // namespace

MemberModel::MemberModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

int MemberModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows.size();
}

QHash<int, QByteArray> MemberModel::roleNames() const
{
    return {
        {ConnectionIdRole, "connectionId"},
        {UserIdRole, "userId"},
        {NameRole, "name"},
        {AvatarRole, "avatar"},
        {StateRole, "state"},
        {StatusRole, "status"},
        {TypingRole, "typing"},
        {IsSelfRole, "isSelf"},
        {MetadataRole, "metadata"},
    };
}

QVariant MemberModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    return roleData(m_rows.at(index.row()), role);
}

QVariant MemberModel::roleData(const Member &m, int role) const
{
    switch (role) {
    case Qt::DisplayRole:
    case NameRole: return m.name;
    case ConnectionIdRole: return m.connectionId;
    case UserIdRole: return m.userId;
    case AvatarRole: return m.avatar;
    case StateRole: return m.state.toObject().toVariantMap();
    case StatusRole: return m.status;
    case TypingRole: return m.typing;
    case IsSelfRole: return m.isSelf;
    case MetadataRole: return m.metadata.toObject().toVariantMap();
    default: return {};
    }
}

QVariantMap MemberModel::get(int row) const
{
    return rowAsMap(*this, row);
}

const MemberModel::Member *MemberModel::find(const QString &connectionId) const
{
    const int row = rowOf(connectionId);
    return row < 0 ? nullptr : &m_rows.at(row);
}

QStringList MemberModel::connectionIds() const
{
    QStringList ids;
    ids.reserve(m_rows.size());
    for (const Member &m : m_rows)
        ids.append(m.connectionId);
    return ids;
}

QString MemberModel::statusOf(const QJsonValue &state)
{
    QString status = state.toObject().value(QLatin1String("status")).toString();
    if (status.isEmpty())
        return PresenceStatus::word(PresenceStatus::Online);
    // The standard words as the shared literals: 20,000 members need no 20,000 copies of "online".
    const PresenceStatus::Status s = PresenceStatus::fromWord(status);
    return s == PresenceStatus::Custom ? status : PresenceStatus::word(s);
}

bool MemberModel::isStandardStatus(const QString &status)
{
    return PresenceStatus::isStandard(status);
}

void MemberModel::fillFromMetadata(Member &m, const QJsonValue &metadata) const
{
    fillFromMetadata(m, metadata, m_allowHttpAvatars);
}

void MemberModel::fillFromMetadata(Member &m, const QJsonValue &metadata, bool allowHttpAvatars)
{
    m.metadata = metadata.isObject() ? metadata : QJsonValue();
    const QJsonObject fields = metadata.toObject(); // once: its count is shared with the wire thread's copy
    m.userId = metaString(fields, QLatin1StringView("userId"));
    m.name = metaString(fields, QLatin1StringView("username"));
    if (m.name.isEmpty())
        m.name = m.userId;
    // Only https avatars (safeurl.h): file:, data:, plain http and the like become "", so the
    // views show initials instead of loading them.
    m.avatar = sanitizedAvatarUrl(metaString(fields, QLatin1StringView("avatar")), allowHttpAvatars);
}

void MemberModel::setAllowHttpAvatars(bool allow)
{
    m_allowHttpAvatars = allow;
}

QString MemberModel::baseStatusOf(const QJsonValue &state)
{
    const QString status = statusOf(state);
    if (PresenceStatus::fromWord(status) != PresenceStatus::Typing)
        return status;
    // {"status":"typing","base":"away"}: typing while away. Without a usable base (other
    // clients, older Hallway versions) a typist is online.
    const QString base = state.toObject().value(QLatin1String("base")).toString();
    const PresenceStatus::Status b = PresenceStatus::fromWord(base);
    if (b == PresenceStatus::Away || b == PresenceStatus::Busy)
        return base;
    return PresenceStatus::word(PresenceStatus::Online);
}

void MemberModel::deriveStatus(Member &m)
{
    const QString raw = statusOf(m.state);
    const bool typing = PresenceStatus::fromWord(raw) == PresenceStatus::Typing;
    m.status = typing ? baseStatusOf(m.state) : raw;
    m.typing = typing && !m.typingExpired;
}

void MemberModel::emitChanged(int row, const QList<int> &roles)
{
    if (roles.isEmpty())
        return;
    const QModelIndex idx = index(row, 0);
    Q_EMIT dataChanged(idx, idx, roles);
}

MemberModel::Member MemberModel::prepareMember(const QString &connectionId, const QJsonValue &metadata,
                                               const QJsonValue &state, bool allowHttpAvatars)
{
    Member m;
    m.connectionId = connectionId;
    fillFromMetadata(m, metadata, allowHttpAvatars);
    m.state = state.isObject() ? state : QJsonValue();
    deriveStatus(m);
    return m;
}

QList<MemberModel::Member> MemberModel::prepareMembers(const QList<MemberInfo> &members, const QJsonObject &states,
                                                       bool allowHttpAvatars)
{
    QList<Member> rows; // one per member, in order: insertPrepared() skips what it cannot insert
    rows.reserve(members.size());
    for (const MemberInfo &info : members)
        rows.append(prepareMember(info.connectionId, info.metadata, states.value(info.connectionId), allowHttpAvatars));
    return rows;
}

QStringList MemberModel::insertMany(const QList<MemberInfo> &members, const QJsonObject &states)
{
    return insertPrepared(prepareMembers(members, states, m_allowHttpAvatars));
}

QStringList MemberModel::insertPrepared(QList<Member> rows)
{
    // The rows to insert are compacted in place: a big snapshot's rows are moved once more, not twice.
    QSet<QString> seen;
    seen.reserve(rows.size());
    qsizetype kept = 0;
    for (Member &m : rows) {
        const QString &id = m.connectionId;
        if (id.isEmpty() || m_rows.contains(id))
            continue;
        const qsizetype known = seen.size();
        seen.insert(id); // one hash operation for the test and the note
        if (seen.size() == known)
            continue;
        m.stateSeq = ++m_seq;
        m.isSelf = !m_selfId.isEmpty() && id == m_selfId;
        if (&rows[kept] != &m)
            rows[kept] = std::move(m);
        ++kept;
    }
    QStringList added;
    if (kept == 0)
        return added;
    added.reserve(kept);
    const int first = m_rows.size();
    beginInsertRows(QModelIndex(), first, first + int(kept) - 1);
    m_rows.reserve(first + int(kept));
    for (qsizetype i = 0; i < kept; ++i) {
        Member &m = rows[i];
        added.append(m.connectionId);
        const QString id = m.connectionId;
        m_rows.append(id, std::move(m));
    }
    endInsertRows();
    Q_EMIT countChanged();
    return added;
}

std::optional<MemberModel::Prebuilt> MemberModel::prebuild(const QList<Member> &rows, quint64 seqBase,
                                                           const QString &selfId)
{
    Prebuilt out;
    out.seqBase = seqBase;
    out.selfId = selfId;
    out.rows.reserve(int(rows.size()));
    for (qsizetype i = 0; i < rows.size(); ++i) {
        const QString &id = rows.at(i).connectionId;
        bool added = false;
        out.rows.findOrAppend(id, [&] {
            added = true;
            Member m = rows.at(i);
            m.stateSeq = seqBase + quint64(i) + 1;
            m.isSelf = !selfId.isEmpty() && id == selfId;
            return m;
        });
        if (!added || id.isEmpty())
            return std::nullopt; // a repeated or empty id: the usual way finds it out
        if (rows.at(i).typing)
            out.typing.append(id);
    }
    return out;
}

bool MemberModel::canAdopt(const Prebuilt &prebuilt) const
{
    return m_rows.isEmpty() && !prebuilt.rows.isEmpty() && prebuilt.seqBase == m_seq && prebuilt.selfId == m_selfId;
}

bool MemberModel::adopt(Prebuilt &prebuilt)
{
    if (!canAdopt(prebuilt))
        return false;
    const int n = prebuilt.rows.size();
    beginInsertRows(QModelIndex(), 0, n - 1);
    m_rows = std::move(prebuilt.rows);
    m_seq = prebuilt.seqBase + quint64(n);
    endInsertRows();
    Q_EMIT countChanged();
    return true;
}

bool MemberModel::insert(const QString &connectionId, const QJsonValue &metadata, const QJsonValue &state)
{
    if (connectionId.isEmpty() || m_rows.contains(connectionId))
        return false;
    return !insertPrepared({prepareMember(connectionId, metadata, state, m_allowHttpAvatars)}).isEmpty();
}

bool MemberModel::remove(const QString &connectionId)
{
    const int row = rowOf(connectionId);
    if (row < 0)
        return false;
    beginRemoveRows(QModelIndex(), row, row);
    m_rows.removeAt(row, connectionId);
    endRemoveRows();
    Q_EMIT countChanged();
    return true;
}

QList<int> MemberModel::setState(const QString &connectionId, const QJsonValue &state)
{
    const int row = rowOf(connectionId);
    if (row < 0)
        return {};
    Member &m = m_rows[row];
    const QJsonValue next = state.isObject() ? state : QJsonValue();
    const bool wasExpired = m.typingExpired;
    if (next == m.state && !wasExpired)
        return {};
    const QString oldStatus = m.status;
    const bool oldTyping = m.typing;
    const bool stateChanged = next != m.state;
    m.state = next;
    m.typingExpired = false; // a fresh state (even the same typing state again) revives typing
    m.stateSeq = ++m_seq;
    deriveStatus(m);

    QList<int> roles;
    if (stateChanged)
        roles << StateRole;
    if (m.status != oldStatus)
        roles << StatusRole;
    if (m.typing != oldTyping)
        roles << TypingRole;
    emitChanged(row, roles);
    return roles;
}

QList<int> MemberModel::setMetadata(const QString &connectionId, const QJsonValue &metadata)
{
    const int row = rowOf(connectionId);
    if (row < 0 || !metadata.isObject())
        return {};
    Member &m = m_rows[row];
    if (m.metadata == metadata)
        return {};
    const Member before = m;
    fillFromMetadata(m, metadata);
    QList<int> roles{MetadataRole};
    if (m.userId != before.userId)
        roles << UserIdRole;
    if (m.name != before.name)
        roles << NameRole;
    if (m.avatar != before.avatar)
        roles << AvatarRole;
    emitChanged(row, roles);
    return roles;
}

bool MemberModel::expireTyping(const QString &connectionId)
{
    const int row = rowOf(connectionId);
    if (row < 0)
        return false;
    Member &m = m_rows[row];
    if (!m.typing)
        return false;
    m.typingExpired = true;
    deriveStatus(m);
    emitChanged(row, {TypingRole});
    return true;
}

void MemberModel::setSelfConnectionId(const QString &connectionId)
{
    if (m_selfId == connectionId)
        return;
    const QString old = m_selfId;
    m_selfId = connectionId;
    for (const QString &id : {old, connectionId}) {
        const int row = rowOf(id);
        if (row < 0)
            continue;
        Member &m = m_rows[row];
        const bool self = !m_selfId.isEmpty() && id == m_selfId;
        if (m.isSelf != self) {
            m.isSelf = self;
            emitChanged(row, {IsSelfRole});
        }
    }
    Q_EMIT selfConnectionIdChanged();
}

} // namespace Hallway
