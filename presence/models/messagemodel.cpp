#include "messagemodel.h"
#include "modelrows.h"

#include "identity.h"
#include "logging.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QSet>
#include <QUuid>
#include <algorithm>

namespace Hallway {

namespace {
const QString kMessage = QStringLiteral("message");

QString syntheticId(const QByteArray &content)
{
    return QStringLiteral("sha1:")
        + QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Sha1).toHex());
}
} // namespace

MessageModel::MessageModel(QObject *parent)
    : QAbstractListModel(parent)
    , m_maxRows(ModelOptions().maxMessages)
    , m_headerRunMs(ModelOptions().headerRunMs)
{
}

int MessageModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QHash<int, QByteArray> MessageModel::roleNames() const
{
    return {
        {MessageIdRole, "messageId"},
        {LocalIdRole, "localId"},
        {SenderIdRole, "senderId"},
        {SenderNameRole, "senderName"},
        {TextRole, "text"},
        {TimestampRole, "timestamp"},
        {OwnRole, "own"},
        {PendingRole, "pending"},
        {FailedRole, "failed"},
        {KindRole, "kind"},
        {ShowHeaderRole, "showHeader"},
        {ErrorRole, "error"},
        {HueRole, "hue"},
        {InitialsRole, "initials"},
        {DayRole, "day"},
    };
}

QVariant MessageModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    return roleData(index.row(), role);
}

QVariant MessageModel::roleData(int row, int role) const
{
    const Message &m = m_rows.at(row);
    switch (role) {
    case Qt::DisplayRole:
    case TextRole: return m.text;
    case MessageIdRole: return m.messageId;
    case LocalIdRole: return m.localId;
    case SenderIdRole: return m.senderId;
    case SenderNameRole: return m.senderName;
    case TimestampRole: return QDateTime::fromMSecsSinceEpoch(m.tsMs);
    case OwnRole: return m.own;
    case PendingRole: return m.pending;
    case FailedRole: return m.failed;
    case KindRole: return m.kind;
    case ShowHeaderRole: return showHeaderAt(row);
    case ErrorRole: return m.error;
    case HueRole: return hueForKey(m.senderId);
    case InitialsRole: return initialsFor(m.senderName.isEmpty() ? m.senderId : m.senderName);
    case DayRole: return QDateTime::fromMSecsSinceEpoch(m.tsMs).toLocalTime().date().toString(Qt::ISODate);
    default: return {};
    }
}

QVariantMap MessageModel::get(int row) const
{
    return rowAsMap(*this, row);
}

bool MessageModel::showHeaderAt(int row) const
{
    const Message &m = m_rows.at(row);
    if (m.kind != kMessage)
        return false;
    if (row == 0)
        return true;
    const Message &p = m_rows.at(row - 1);
    return p.kind != kMessage || p.senderId != m.senderId || qAbs(m.tsMs - p.tsMs) > m_headerRunMs;
}

void MessageModel::setSelfUserId(const QString &userId)
{
    if (m_selfUserId == userId)
        return;
    m_selfUserId = userId;
    int first = -1, last = -1;
    for (int r = 0; r < m_rows.size(); ++r) {
        Message &m = m_rows[r];
        const bool own = m.local || (!userId.isEmpty() && m.senderId == userId);
        if (own != m.own) {
            m.own = own;
            if (first < 0)
                first = r;
            last = r;
        }
    }
    if (first >= 0) // one ranged signal for a one-time identity change
        Q_EMIT dataChanged(index(first, 0), index(last, 0), {OwnRole});
    Q_EMIT selfUserIdChanged();
}

// ---- index ------------------------------------------------------------------------------

void MessageModel::indexRow(int row) const
{
    const Message &m = m_rows.at(row);
    const qint64 abs = m_base + row;
    if (!m.messageId.isEmpty())
        m_byId.insert(m.messageId, abs);
    if (!m.localId.isEmpty())
        m_byLocal.insert(m.localId, abs);
    if (!m.clientId.isEmpty())
        m_byClient.insert(m.clientId, abs);
}

void MessageModel::unindexRow(int row)
{
    const Message &m = m_rows.at(row);
    const qint64 abs = m_base + row;
    if (!m.messageId.isEmpty() && m_byId.value(m.messageId, -1) == abs)
        m_byId.remove(m.messageId);
    if (!m.localId.isEmpty() && m_byLocal.value(m.localId, -1) == abs)
        m_byLocal.remove(m.localId);
    if (!m.clientId.isEmpty() && m_byClient.value(m.clientId, -1) == abs)
        m_byClient.remove(m.clientId);
}

void MessageModel::ensureIndex() const
{
    if (!m_indexDirty)
        return;
    m_byId.clear();
    m_byLocal.clear();
    m_byClient.clear();
    m_base = 0;
    for (int r = 0; r < m_rows.size(); ++r)
        indexRow(r);
    m_indexDirty = false;
}

int MessageModel::rowOfMessage(const QString &messageId) const
{
    ensureIndex();
    const auto it = m_byId.constFind(messageId);
    return it == m_byId.constEnd() ? -1 : int(*it - m_base);
}

int MessageModel::rowOfLocal(const QString &localId) const
{
    ensureIndex();
    const auto it = m_byLocal.constFind(localId);
    return it == m_byLocal.constEnd() ? -1 : int(*it - m_base);
}

// ---- parsing ----------------------------------------------------------------------------

bool MessageModel::parse(const QJsonValue &value, Message *out)
{
    Message m;
    if (value.isObject()) {
        const QJsonObject o = value.toObject();
        m.messageId = o.value(QLatin1String("id")).toString();
        if (m.messageId.isEmpty()) // foreign writers without ids: a stable content hash
            m.messageId = syntheticId(QJsonDocument(o).toJson(QJsonDocument::Compact));
        m.senderId = o.value(QLatin1String("from")).toString();
        m.senderName = o.value(QLatin1String("name")).toString();
        if (m.senderName.isEmpty())
            m.senderName = m.senderId;
        const QJsonValue text = o.value(QLatin1String("text"));
        m.text = text.isString() ? text.toString() : QString();
        m.clientId = o.value(QLatin1String("clientId")).toString();
        const QJsonValue ts = o.value(QLatin1String("ts"));
        m.tsMs = ts.isDouble() ? qint64(ts.toDouble()) : QDateTime::currentMSecsSinceEpoch();
    } else if (value.isString()) {
        m.text = value.toString();
        m.messageId = syntheticId(m.text.toUtf8());
        m.tsMs = QDateTime::currentMSecsSinceEpoch();
    } else {
        return false;
    }
    m.localId = m.clientId.isEmpty() ? m.messageId : m.clientId;
    *out = m;
    return true;
}

// ---- mutation ---------------------------------------------------------------------------

void MessageModel::changed(int row, const QList<int> &roles)
{
    if (roles.isEmpty())
        return;
    const QModelIndex idx = index(row, 0);
    Q_EMIT dataChanged(idx, idx, roles);
}

void MessageModel::refreshHeader(int row, bool before)
{
    if (row >= 0 && row < m_rows.size() && showHeaderAt(row) != before)
        changed(row, {ShowHeaderRole});
}

int MessageModel::firstTrailingPending() const
{
    int row = int(m_rows.size());
    while (row > 0 && m_rows.at(row - 1).pending)
        --row;
    return row;
}

void MessageModel::append(const Message &m)
{
    // Our messages still waiting for the server stay at the bottom: what arrives meanwhile
    // goes above them (their place by time comes with the server's timestamp).
    const int row = m.pending ? int(m_rows.size()) : firstTrailingPending();
    const bool nextBefore = row < m_rows.size() ? showHeaderAt(row) : false;
    beginInsertRows(QModelIndex(), row, row);
    m_rows.insert(row, m);
    if (row + 1 < m_rows.size())
        m_indexDirty = true;
    else if (!m_indexDirty)
        indexRow(row);
    endInsertRows();
    refreshHeader(row + 1, nextBefore);
    trim();
    Q_EMIT countChanged();
}

void MessageModel::trim()
{
    const int excess = int(m_rows.size()) - m_maxRows;
    if (excess <= 0)
        return;
    const bool headerBefore = showHeaderAt(excess);
    beginRemoveRows(QModelIndex(), 0, excess - 1);
    if (!m_indexDirty) {
        for (int r = 0; r < excess; ++r)
            unindexRow(r);
    }
    m_rows.remove(0, excess);
    m_base += excess;
    endRemoveRows();
    refreshHeader(0, headerBefore);
}

void MessageModel::insertSorted(const QList<Message> &messages)
{
    for (const Message &m : messages) {
        // Upper bound by timestamp: equal timestamps keep arrival order.
        const int settled = firstTrailingPending(); // our waiting messages stay last
        const auto pos = std::upper_bound(m_rows.cbegin(), m_rows.cbegin() + settled, m.tsMs,
                                          [](qint64 ts, const Message &r) { return ts < r.tsMs; });
        const int row = int(pos - m_rows.cbegin());
        if (row == settled) {
            append(m);
            continue;
        }
        const bool nextBefore = showHeaderAt(row);
        beginInsertRows(QModelIndex(), row, row);
        m_rows.insert(row, m);
        m_indexDirty = true;
        endInsertRows();
        refreshHeader(row + 1, nextBefore);
        trim();
        Q_EMIT countChanged();
    }
}

void MessageModel::settle(int row, const Message &from)
{
    Message &m = m_rows[row];
    QList<int> roles;
    const bool nextHeader = row + 1 < m_rows.size() ? showHeaderAt(row + 1) : false;
    const bool header = showHeaderAt(row);
    if (m.messageId != from.messageId && !from.messageId.isEmpty()) {
        m.messageId = from.messageId;
        roles << MessageIdRole;
        if (!m_indexDirty)
            m_byId.insert(m.messageId, m_base + row);
    }
    if (from.tsMs && m.tsMs != from.tsMs) {
        m.tsMs = from.tsMs;
        roles << TimestampRole << DayRole;
    }
    if (m.pending) {
        m.pending = false;
        roles << PendingRole;
    }
    if (m.failed) {
        m.failed = false;
        m.error.clear();
        roles << FailedRole << ErrorRole;
    }
    if (!from.senderName.isEmpty() && from.senderName != m.senderName) {
        m.senderName = from.senderName;
        roles << SenderNameRole << InitialsRole;
    }
    if (showHeaderAt(row) != header)
        roles << ShowHeaderRole;
    changed(row, roles);
    refreshHeader(row + 1, nextHeader);
    placeByTime(row);
}

void MessageModel::placeByTime(int row)
{
    // A message sent late (the outbox, a retry) takes its place by the server's timestamp,
    // below what others wrote meanwhile, instead of staying where it was typed.
    const qint64 ts = m_rows.at(row).tsMs;
    int to = row;
    while (to + 1 < m_rows.size() && m_rows.at(to + 1).tsMs <= ts && !m_rows.at(to + 1).pending)
        ++to; // our own later messages still waiting stay below: they were typed later
    while (to - 1 >= 0 && m_rows.at(to - 1).tsMs > ts)
        --to;
    if (to == row)
        return;
    beginMoveRows(QModelIndex(), row, row, QModelIndex(), to > row ? to + 1 : to);
    m_rows.move(row, to);
    m_indexDirty = true;
    endMoveRows();
    const int lo = qMax(0, qMin(row, to) - 1);
    const int hi = qMin(int(m_rows.size()) - 1, qMax(row, to) + 1);
    // The header flag of the neighbours at both places may change.
    Q_EMIT dataChanged(index(lo, 0), index(hi, 0), {ShowHeaderRole});
}

int MessageModel::addHistory(const QJsonArray &history)
{
    ensureIndex();
    // History is oldest first and may be longer than we keep: keep the tail.
    const int start = qMax(0, int(history.size()) - m_maxRows);
    QList<Message> fresh;
    QSet<QString> seen;
    for (int i = start; i < history.size(); ++i) {
        Message m;
        if (!parse(history.at(i), &m))
            continue;
        if (m_byId.contains(m.messageId) || seen.contains(m.messageId))
            continue; // replayed after a reconnect, or repeated
        if (!m.clientId.isEmpty()) {
            const auto it = m_byClient.constFind(m.clientId);
            if (it != m_byClient.constEnd()) { // our own send, settled by the history copy
                settle(int(*it - m_base), m);
                continue;
            }
        }
        m.own = !m_selfUserId.isEmpty() && m.senderId == m_selfUserId;
        seen.insert(m.messageId);
        fresh.append(m);
    }
    if (fresh.isEmpty())
        return 0;
    if (firstTrailingPending() == m_rows.size() && (m_rows.isEmpty() || fresh.first().tsMs >= m_rows.last().tsMs)) {
        // The common case (a fresh room, or only newer messages): one ranged insert.
        const int first = int(m_rows.size());
        const bool ordered = std::is_sorted(fresh.cbegin(), fresh.cend(),
                                            [](const Message &a, const Message &b) { return a.tsMs < b.tsMs; });
        if (ordered) {
            beginInsertRows(QModelIndex(), first, first + int(fresh.size()) - 1);
            m_rows.append(fresh);
            if (!m_indexDirty) {
                for (int r = first; r < m_rows.size(); ++r)
                    indexRow(r);
            }
            endInsertRows();
            trim();
            Q_EMIT countChanged();
            return int(fresh.size());
        }
    }
    insertSorted(fresh);
    return int(fresh.size());
}

bool MessageModel::addLive(const QJsonValue &value)
{
    Message m;
    if (!parse(value, &m))
        return false;
    ensureIndex();
    if (!m.clientId.isEmpty()) {
        const auto it = m_byClient.constFind(m.clientId);
        if (it != m_byClient.constEnd()) {
            const int row = int(*it - m_base);
            if (m_rows.at(row).messageId.isEmpty() || m_rows.at(row).messageId == m.messageId) {
                settle(row, m); // the echo of our own send
                return true;
            }
        }
    }
    if (m_byId.contains(m.messageId))
        return false;
    m.own = !m_selfUserId.isEmpty() && m.senderId == m_selfUserId;
    append(m);
    return true;
}

QString MessageModel::addPending(const QString &text, const QString &senderId, const QString &senderName)
{
    Message m;
    m.localId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    m.clientId = m.localId;
    m.senderId = senderId.isEmpty() ? m_selfUserId : senderId;
    m.senderName = senderName;
    m.text = text;
    m.tsMs = QDateTime::currentMSecsSinceEpoch();
    m.own = true;
    m.local = true;
    m.pending = true;
    ensureIndex();
    append(m);
    return m.localId;
}

void MessageModel::markSent(const QString &localId, const QJsonObject &result)
{
    const int row = rowOfLocal(localId);
    if (row < 0)
        return;
    Message from;
    from.messageId = result.value(QLatin1String("id")).toString();
    const QJsonValue ts = result.value(QLatin1String("ts"));
    from.tsMs = ts.isDouble() ? qint64(ts.toDouble()) : 0;
    const int existing = from.messageId.isEmpty() ? -1 : rowOfMessage(from.messageId);
    if (existing >= 0 && existing != row) {
        // The message is already listed under its server id: drop our pending copy.
        const bool nextBefore = row + 1 < m_rows.size() ? showHeaderAt(row + 1) : false;
        beginRemoveRows(QModelIndex(), row, row);
        m_rows.removeAt(row);
        m_indexDirty = true;
        endRemoveRows();
        refreshHeader(row, nextBefore);
        Q_EMIT countChanged();
        return;
    }
    settle(row, from);
}

void MessageModel::markFailed(const QString &localId, const QString &errorCode)
{
    const int row = rowOfLocal(localId);
    if (row < 0)
        return;
    Message &m = m_rows[row];
    if (!m.pending)
        return; // already settled (its echo came first) or already failed
    m.pending = false;
    m.failed = true;
    m.error = errorCode;
    changed(row, {PendingRole, FailedRole, ErrorRole});
}

bool MessageModel::prepareRetry(const QString &localId, QString *text, QString *clientId)
{
    const int row = rowOfLocal(localId);
    if (row < 0)
        return false;
    Message &m = m_rows[row];
    if (!m.failed || !m.local)
        return false;
    m.failed = false;
    m.pending = true;
    m.error.clear();
    changed(row, {PendingRole, FailedRole, ErrorRole});
    if (text)
        *text = m.text;
    if (clientId)
        *clientId = m.clientId;
    return true;
}

QString MessageModel::addSystem(const QString &kind, const QString &userId, const QString &name, qint64 tsMs)
{
    Message m;
    m.kind = kind;
    m.localId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    m.senderId = userId;
    m.senderName = name;
    m.tsMs = tsMs > 0 ? tsMs : QDateTime::currentMSecsSinceEpoch();
    m.text = kind == QLatin1String("join") ? tr("%1 joined").arg(name) : tr("%1 left").arg(name);
    m.own = !m_selfUserId.isEmpty() && userId == m_selfUserId;
    ensureIndex();
    append(m);
    return m.localId;
}

} // namespace Hallway
