#include "usermodel.h"
#include "modelrows.h"

#include <QSet>

#include "identity.h"
#include "logging.h"
#include "presencestatus.h"

#include <QJSEngine>
#include <QJsonDocument>
#include <QtQml/qqml.h>
#include <algorithm>
#include <vector>
#include <limits>

namespace Hallway {

namespace {
const QString kOnline = PresenceStatus::word(PresenceStatus::Online);

UserModel::Device *deviceOf(UserModel::Person &p, const QString &connectionId)
{
    for (UserModel::Device &d : p.devices) {
        if (d.connectionId == connectionId)
            return &d;
    }
    return nullptr;
}

int availability(const QString &status) // lower = more available; standard statuses only
{
    switch (PresenceStatus::fromWord(status)) {
    case PresenceStatus::Busy: return 1;
    case PresenceStatus::Away: return 2;
    default: return 0; // online (and typing that aged out shows as online)
    }
}
} // namespace

UserModel::UserModel(QObject *parent)
    : QAbstractListModel(parent)
    , m_graceMs(ModelOptions().userGraceMs)
    , m_clock(steadyClock())
{
    m_graceTimer.setSingleShot(true);
    connect(&m_graceTimer, &QTimer::timeout, this, &UserModel::processTimers);
}

UserModel::~UserModel() = default;

int UserModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : count();
}

QHash<int, QByteArray> UserModel::roleNames() const
{
    return {
        {UserIdRole, "userId"},
        {NameRole, "name"},
        {AvatarRole, "avatar"},
        {ConnectionsRole, "connections"},
        {StatusRole, "status"},
        {TypingRole, "typing"},
        {IsSelfRole, "isSelf"},
        {StateRole, "state"},
        {StatusRankRole, "statusRank"},
        {InitialsRole, "initials"},
        {ColorSeedRole, "colorSeed"},
        {HueRole, "hue"},
        {ConnectionIdsRole, "connectionIds"},
    };
}

QVariant UserModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    return roleData(m_rows.at(index.row()), role);
}

QVariant UserModel::roleData(const Person &p, int role) const
{
    switch (role) {
    case Qt::DisplayRole:
    case NameRole: return p.name.isEmpty() ? p.key : p.name;
    case UserIdRole: return p.key;
    case AvatarRole: return p.avatar;
    case ConnectionsRole: return int(p.devices.size());
    case StatusRole: return p.status;
    case TypingRole: return p.typing;
    case IsSelfRole: return p.isSelf;
    case StateRole: {
        QVariantMap state = p.state.toVariantMap();
        state.insert(QStringLiteral("status"), p.status);
        return state;
    }
    case StatusRankRole: return statusRank(p.status);
    case InitialsRole: return initialsFor(p.name.isEmpty() ? p.key : p.name);
    case ColorSeedRole: return int(colorSeedFor(p.key) & 0x7fffffff);
    case HueRole: return hueFor(p.key);
    case ConnectionIdsRole: {
        QStringList ids;
        ids.reserve(p.devices.size());
        for (const Device &d : p.devices)
            ids.append(d.connectionId);
        ids.sort();
        return ids;
    }
    default: return {};
    }
}

QVariantMap UserModel::get(int row) const
{
    return rowAsMap(*this, row);
}

const UserModel::Person *UserModel::find(const QString &key) const
{
    const int row = rowOf(key);
    return row < 0 ? nullptr : &m_rows.at(row);
}

// ---- static helpers ---------------------------------------------------------------------

QString UserModel::mergeStatus(const QList<Device> &devices)
{
    return mergeStatus(devices.constData(), devices.constData() + devices.size());
}

QString UserModel::mergeStatus(const Device *begin, const Device *end)
{
    if (begin == end)
        return kOnline;
    const Device *newestCustom = nullptr;
    int best = 3;
    QString bestStatus = kOnline;
    for (const Device *it = begin; it != end; ++it) {
        const Device &d = *it;
        if (!MemberModel::isStandardStatus(d.status)) {
            if (!newestCustom || d.seq > newestCustom->seq)
                newestCustom = &d;
            continue;
        }
        const int a = availability(d.status); // "typing" never reaches here (MemberModel)
        if (a < best) {
            best = a;
            bestStatus = a == 0 ? kOnline : d.status;
        }
    }
    return newestCustom ? newestCustom->status : bestStatus;
}

int UserModel::statusRank(const QString &status)
{
    // The people panel's sections read Online, Away, Busy: someone away may come back any
    // minute, someone busy asked not to be disturbed.
    switch (PresenceStatus::fromWord(status)) {
    case PresenceStatus::Away: return 1;
    case PresenceStatus::Busy: return 2;
    default: return 0; // online, typing, custom
    }
}

QString UserModel::initialsFor(const QString &name)
{
    return Hallway::initialsFor(name);
}

quint32 UserModel::colorSeedFor(const QString &key)
{
    return colorSeedForKey(key);
}

int UserModel::hueFor(const QString &key)
{
    return hueForKey(key);
}

// ---- configuration ----------------------------------------------------------------------

void UserModel::setSource(MemberModel *source)
{
    if (m_source == source)
        return;
    for (const auto &c : std::as_const(m_sourceConnections))
        disconnect(c);
    m_sourceConnections.clear();
    m_source = source;
    if (source) {
        m_sourceConnections << connect(source, &QAbstractItemModel::rowsInserted, this, &UserModel::onRowsInserted)
                            << connect(source, &QAbstractItemModel::rowsAboutToBeRemoved, this, &UserModel::onRowsAboutToBeRemoved)
                            << connect(source, &QAbstractItemModel::dataChanged, this, &UserModel::onDataChanged)
                            << connect(source, &QAbstractItemModel::modelReset, this, &UserModel::rebuild)
                            << connect(source, &QObject::destroyed, this, [this] { setSource(nullptr); });
    }
    rebuild();
    Q_EMIT sourceChanged();
}

void UserModel::setGroupBy(const QString &field)
{
    if (m_groupBy == field)
        return;
    m_groupBy = field;
    rebuild();
    Q_EMIT groupByChanged();
}

void UserModel::setKeyFunction(const QJSValue &function)
{
    if (!function.isCallable() && !function.isUndefined() && !function.isNull()) {
        qCWarning(lcPresence) << "UserModel.keyFunction must be a function";
        return;
    }
    m_jsKey = function.isCallable() ? function : QJSValue();
    m_jsEngine = qjsEngine(this);
    if (m_jsKey.isCallable() && !m_jsEngine)
        qCWarning(lcPresence) << "UserModel.keyFunction set without a QML engine: ignored";
    rebuild();
    Q_EMIT keyFunctionChanged();
}

void UserModel::setKeyFunction(KeyFunction function)
{
    m_keyFn = std::move(function);
    rebuild();
    Q_EMIT keyFunctionChanged();
}

void UserModel::reserve(int connections)
{
    m_rows.reserve(connections);
    m_connKey.reserve(connections);
}

void UserModel::setGraceMs(int ms)
{
    ms = qMax(0, ms);
    if (m_graceMs == ms)
        return;
    m_graceMs = ms;
    Q_EMIT graceMsChanged();
}

void UserModel::setClock(Clock clock)
{
    m_clock = clock ? std::move(clock) : steadyClock();
}

QString UserModel::keyFor(const MemberModel::Member &m) const
{
    QString key;
    if (m_keyFn) {
        key = m_keyFn(m.metadata, m.connectionId);
    } else if (m_jsKey.isCallable() && m_jsEngine) {
        QJSValue fn = m_jsKey;
        const QJSValue result = fn.call({m_jsEngine->toScriptValue(m.metadata.toVariant()),
                                         QJSValue(m.connectionId)});
        if (result.isError())
            qCWarning(lcPresence) << "UserModel.keyFunction threw:" << result.toString();
        else if (!result.isUndefined() && !result.isNull())
            key = result.toString();
    } else {
        return groupingKey(m, m_groupBy);
    }
    if (key.isEmpty())
        key = QStringLiteral("connection:") + m.connectionId; // unknown: its own person for now
    return key;
}

QString UserModel::groupingKey(const MemberModel::Member &m, const QString &groupBy)
{
    QString key;
    if (!groupBy.isEmpty()) {
        const QJsonValue v = m.metadata.toObject().value(groupBy);
        if (v.isString())
            key = v.toString();
        else if (v.isDouble() || v.isBool())
            key = v.toVariant().toString();
        else if (v.isObject() || v.isArray())
            key = QString::fromUtf8(QJsonDocument::fromVariant(v.toVariant()).toJson(QJsonDocument::Compact));
    } else {
        key = m.userId;
    }
    if (key.isEmpty())
        key = QStringLiteral("connection:") + m.connectionId; // unknown: its own person for now
    return key;
}

// As a range of these rows would be grouped into an empty model (onRowsInserted), without the
// model: one person per key in order of first device, identities adopted in row order.
UserModel::Prebuilt UserModel::prebuild(const QList<MemberModel::Member> &rows, quint64 seqBase,
                                        const QString &selfId, const QString &groupBy)
{
    Prebuilt out = prebuildPeople(rows, seqBase, selfId, groupBy);
    out.connKey = connectionKeys(rows, groupBy);
    return out;
}

QHash<QString, QString> UserModel::connectionKeys(const QList<MemberModel::Member> &rows, const QString &groupBy)
{
    QHash<QString, QString> keys;
    keys.reserve(rows.size());
    for (const MemberModel::Member &m : rows)
        keys.insert(m.connectionId, groupingKey(m, groupBy));
    return keys;
}

UserModel::Prebuilt UserModel::prebuildPeople(const QList<MemberModel::Member> &rows, quint64 seqBase,
                                              const QString &selfId, const QString &groupBy)
{
    Prebuilt out;
    out.groupBy = groupBy;
    out.connections = int(rows.size());
    out.rows.reserve(int(rows.size()));
    for (qsizetype i = 0; i < rows.size(); ++i) {
        const MemberModel::Member &m = rows.at(i);
        const bool self = !selfId.isEmpty() && m.connectionId == selfId;
        groupDevice(out.rows, groupingKey(m, groupBy), m,
                    Device{m.connectionId, m.status, m.typing, self, m.state.toObject(), seqBase + quint64(i) + 1});
    }
    for (int row = 0; row < out.rows.size(); ++row)
        recompute(out.rows[row], nullptr);
    return out;
}

bool UserModel::canAdopt(const Prebuilt &people) const
{
    return m_rows.isEmpty() && m_connKey.isEmpty() && canPrebuild() && people.groupBy == m_groupBy
        && m_source && m_source->count() == 0;
}

bool UserModel::adoptHidden(Prebuilt &people)
{
    if (!canAdopt(people))
        return false;
    m_rows = std::move(people.rows);
    m_connKey = std::move(people.connKey);
    m_hidden = m_rows.size();
    m_adoptedConnections = people.connections;
    return true;
}

void UserModel::revealHidden(int people)
{
    const int n = qMin(people, m_hidden);
    if (n <= 0)
        return;
    const int first = count();
    beginInsertRows(QModelIndex(), first, first + n - 1);
    m_hidden -= n;
    endInsertRows();
    int available = 0;
    for (int row = first; row < first + n; ++row)
        available += isAvailable(m_rows.at(row)) ? 1 : 0;
    if (available > 0) {
        m_available += available;
        Q_EMIT availableCountChanged();
    }
    Q_EMIT countChanged();
    for (int row = first; row < first + n && row < count(); ++row) {
        const Person &p = m_rows.at(row);
        Q_EMIT personAdded(p.key, p.name);
        if (p.typing)
            Q_EMIT typingChanged(p.key, true);
    }
}

// ---- following the source ---------------------------------------------------------------

void UserModel::rebuild()
{
    // Only for a change of source or grouping: the whole row set changes meaning.
    beginResetModel();
    m_rows.clear();
    m_connKey.clear();
    m_grace.clear();
    m_hidden = 0;
    m_adoptedConnections = 0;
    if (m_source) {
        for (int r = 0; r < m_source->rowCount(); ++r)
            addConnection(m_source->at(r), false);
    }
    endResetModel();
    armTimer();
    Q_EMIT countChanged();
    int available = 0;
    for (const Person &p : m_rows)
        available += isAvailable(p) ? 1 : 0;
    if (available != m_available) {
        m_available = available;
        Q_EMIT availableCountChanged();
    }
}

bool UserModel::isAvailable(const Person &p)
{
    return statusRank(p.status) == 0;
}

void UserModel::noteAvailable(bool before, bool after)
{
    if (before == after)
        return;
    m_available += after ? 1 : -1;
    Q_EMIT availableCountChanged();
}

void UserModel::onRowsInserted(const QModelIndex &parent, int first, int last)
{
    if (parent.isValid())
        return;
    if (m_adoptedConnections > 0 && first == 0 && last + 1 == m_adoptedConnections) {
        m_adoptedConnections = 0; // the rows the adopted people already group
        return;
    }
    m_adoptedConnections = 0;
    revealAll();
    if (first == last)
        return addConnection(m_source->at(first), true);

    // A range (a snapshot): people not listed yet are made here, their devices grouped, and go
    // in as one inserted range; devices of people already listed then update them. The online
    // count changes once for the range, not once a person.
    QList<QPair<int, QString>> known;
    KeyedRows<Person> fresh;
    fresh.reserve(last - first + 1);
    for (int r = first; r <= last; ++r) {
        const MemberModel::Member &m = m_source->at(r);
        QString key = keyFor(m);
        if (m_rows.contains(key)) {
            known.append({r, key});
            continue;
        }
        m_connKey.insert(m.connectionId, key);
        groupDevice(fresh, key, m, Device{m.connectionId, m.status, m.typing, m.isSelf, m.state.toObject(), m.stateSeq});
    }
    if (!fresh.isEmpty()) {
        const int firstRow = m_rows.size();
        int available = 0;
        beginInsertRows(QModelIndex(), firstRow, firstRow + fresh.size() - 1);
        m_rows.reserve(firstRow + fresh.size());
        for (std::unique_ptr<Person> &p : fresh.takeRows()) {
            recompute(*p, nullptr);
            available += isAvailable(*p) ? 1 : 0;
            const QString key = p->key;
            m_rows.append(key, std::move(p));
        }
        endInsertRows();
        if (available > 0) {
            m_available += available;
            Q_EMIT availableCountChanged();
        }
        Q_EMIT countChanged();
        for (int row = firstRow; row < m_rows.size(); ++row) {
            const Person &p = m_rows.at(row);
            Q_EMIT personAdded(p.key, p.name);
            if (p.typing)
                Q_EMIT typingChanged(p.key, true);
        }
    }
    for (const auto &[r, key] : std::as_const(known))
        addConnection(m_source->at(r), key, true);
}

void UserModel::onRowsAboutToBeRemoved(const QModelIndex &parent, int first, int last)
{
    if (parent.isValid())
        return;
    revealAll();
    for (int r = first; r <= last; ++r)
        removeConnection(m_source->at(r).connectionId);
}

void UserModel::onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight, const QList<int> &roles)
{
    if (!topLeft.isValid() || !bottomRight.isValid())
        return;
    revealAll();
    // Only a metadata change can move a device to another person: skip the key function
    // (possibly JavaScript) for the frequent state changes.
    const bool regroup = roles.isEmpty() || roles.contains(MemberModel::MetadataRole)
        || roles.contains(MemberModel::UserIdRole);
    for (int r = topLeft.row(); r <= bottomRight.row(); ++r)
        updateConnection(m_source->at(r), regroup);
}

// A device into its person among people made in order of their first device: a new person for
// a new key, else another device (the identity its device last reported, empty values never win).
void UserModel::groupDevice(KeyedRows<Person> &people, const QString &key, const MemberModel::Member &m, Device d)
{
    bool made = false;
    Person &p = people.findOrAppend(key, [&] {
        made = true;
        Person fresh;
        fresh.key = key;
        fresh.name = m.name;
        fresh.avatar = m.avatar;
        return fresh;
    });
    if (made) {
        p.devices.append(std::move(d));
        return;
    }
    QList<int> ignored;
    adoptIdentity(p, m, ignored);
    if (Device *same = deviceOf(p, d.connectionId))
        *same = std::move(d);
    else
        p.devices.append(std::move(d));
}

// A person shows the name and avatar their devices last reported (empty values never win).
void UserModel::adoptIdentity(Person &p, const MemberModel::Member &m, QList<int> &changed)
{
    if (!m.name.isEmpty() && m.name != p.name) {
        p.name = m.name;
        changed << NameRole << InitialsRole;
    }
    if (!m.avatar.isEmpty() && m.avatar != p.avatar) {
        p.avatar = m.avatar;
        changed << AvatarRole;
    }
}

void UserModel::addConnection(const MemberModel::Member &m, bool notify)
{
    addConnection(m, keyFor(m), notify);
}

void UserModel::addConnection(const MemberModel::Member &m, const QString &key, bool notify)
{
    m_connKey.insert(m.connectionId, key);
    Device d{m.connectionId, m.status, m.typing, m.isSelf, m.state.toObject(), m.stateSeq};

    int row = m_rows.contains(key) ? rowOf(key) : -1; // a newcomer costs no binary search
    if (row < 0) {
        Person p;
        p.key = key;
        p.name = m.name;
        p.avatar = m.avatar;
        p.devices.append(std::move(d));
        recompute(p, nullptr);
        noteAvailable(false, isAvailable(p));
        row = m_rows.size();
        if (notify)
            beginInsertRows(QModelIndex(), row, row);
        m_rows.append(key, std::move(p));
        if (notify) {
            endInsertRows();
            Q_EMIT countChanged();
            const Person &added = m_rows.at(row);
            Q_EMIT personAdded(key, added.name);
            if (added.typing)
                Q_EMIT typingChanged(key, true);
        }
        return;
    }

    Person &p = m_rows[row];
    QList<int> changed;
    const bool wasTyping = p.typing;
    if (p.inGrace) {
        p.inGrace = false;
        m_grace.remove(key);
    }
    adoptIdentity(p, m, changed);
    if (Device *known = deviceOf(p, m.connectionId))
        *known = d;
    else
        p.devices.append(d);
    changed << ConnectionsRole << ConnectionIdsRole;
    const bool wasAvailable = isAvailable(p);
    recompute(p, &changed);
    noteAvailable(wasAvailable, isAvailable(p));
    if (notify) {
        const QModelIndex idx = index(row, 0);
        Q_EMIT dataChanged(idx, idx, changed);
        if (p.typing != wasTyping)
            Q_EMIT typingChanged(key, p.typing);
    }
}

void UserModel::removeConnection(const QString &connectionId, bool allowGrace)
{
    const QString key = m_connKey.take(connectionId);
    const int row = rowOf(key);
    if (row < 0)
        return;
    Person &p = m_rows[row];
    const Device *gone = deviceOf(p, connectionId);
    if (!gone)
        return;
    p.devices.remove(gone - p.devices.constData());
    if (p.devices.isEmpty()) {
        if (m_graceMs <= 0 || !allowGrace) {
            removeRow(row);
            return;
        }
        // Grace: keep the row and its last merged status; only the device count changes.
        p.inGrace = true;
        p.graceDeadline = m_clock() + m_graceMs;
        m_grace.insert(key, p.graceDeadline);
        const QModelIndex idx = index(row, 0);
        Q_EMIT dataChanged(idx, idx, {ConnectionsRole, ConnectionIdsRole});
        if (!m_graceTimer.isActive()) // deadlines only grow: a running timer fires first
            armTimer();
        return;
    }
    const bool wasTyping = p.typing;
    QList<int> changed{ConnectionsRole, ConnectionIdsRole};
    const bool wasAvailable = isAvailable(p);
    recompute(p, &changed);
    noteAvailable(wasAvailable, isAvailable(p));
    const QModelIndex idx = index(row, 0);
    Q_EMIT dataChanged(idx, idx, changed);
    if (p.typing != wasTyping)
        Q_EMIT typingChanged(key, p.typing);
}

void UserModel::updateConnection(const MemberModel::Member &m, bool regroup)
{
    const QString oldKey = m_connKey.value(m.connectionId);
    if (oldKey.isEmpty())
        return;
    const QString key = regroup ? keyFor(m) : oldKey;
    if (key != oldKey) { // metadata arrived or changed: move this one device to its person
        // The device changes groups: its old group loses it at once (no grace for a regroup).
        removeConnection(m.connectionId, false);
        addConnection(m, true);
        return;
    }
    const int row = rowOf(key);
    if (row < 0)
        return;
    Person &p = m_rows[row];
    Device *it = deviceOf(p, m.connectionId);
    if (!it)
        return;
    it->status = m.status;
    it->typing = m.typing;
    it->isSelf = m.isSelf;
    it->state = m.state.toObject();
    it->seq = m.stateSeq;
    QList<int> changed;
    const bool wasTyping = p.typing;
    adoptIdentity(p, m, changed);
    const bool wasAvailable = isAvailable(p);
    recompute(p, &changed);
    noteAvailable(wasAvailable, isAvailable(p));
    if (changed.isEmpty())
        return;
    const QModelIndex idx = index(row, 0);
    Q_EMIT dataChanged(idx, idx, changed);
    if (p.typing != wasTyping)
        Q_EMIT typingChanged(key, p.typing);
}

void UserModel::recompute(Person &p, QList<int> *changed)
{
    if (p.devices.isEmpty())
        return; // in grace: frozen
    QString status;
    bool typing = false;
    bool self = false;
    QJsonObject state;
    status = mergeStatus(p.devices.cbegin(), p.devices.cend()); // QVarLengthArray: plain pointers
    if (p.devices.size() == 1) {
        // Most people have one device: nothing to merge (a big room's snapshot is mostly these).
        const Device &d = p.devices.first();
        typing = d.typing;
        self = d.isSelf;
        state = d.state;
    } else {
        // Key by key, the newest device that has a key wins: start from the newest state and
        // fill in only what older ones add (devices usually share their state's shape, so this
        // rarely copies anything).
        QVarLengthArray<const Device *, 4> newestFirst;
        for (const Device &d : std::as_const(p.devices)) {
            typing = typing || d.typing;
            self = self || d.isSelf;
            newestFirst.append(&d);
        }
        std::sort(newestFirst.begin(), newestFirst.end(), [](const Device *a, const Device *b) { return a->seq > b->seq; });
        state = newestFirst.first()->state;
        for (qsizetype i = 1; i < newestFirst.size(); ++i) {
            const QJsonObject &older = newestFirst.at(i)->state;
            for (auto it = older.constBegin(); it != older.constEnd(); ++it) {
                if (!state.contains(it.key()))
                    state.insert(it.key(), it.value());
            }
        }
    }

    if (changed) {
        if (status != p.status)
            *changed << StatusRole << StatusRankRole << StateRole; // the state role carries the status
        else if (state != p.state)
            *changed << StateRole;
        if (typing != p.typing)
            *changed << TypingRole;
        if (self != p.isSelf)
            *changed << IsSelfRole;
    }
    p.status = status;
    p.typing = typing;
    p.isSelf = self;
    p.state = state;
}

void UserModel::removeRow(int row)
{
    const Person p = m_rows.at(row);
    beginRemoveRows(QModelIndex(), row, row);
    m_rows.removeAt(row, p.key);
    m_grace.remove(p.key);
    endRemoveRows();
    Q_EMIT countChanged();
    noteAvailable(isAvailable(p), false);
    if (p.typing)
        Q_EMIT typingChanged(p.key, false);
    Q_EMIT personRemoved(p.key, p.name);
}

void UserModel::setHeld(bool held, int releaseGraceMs)
{
    revealAll();
    if (m_held == held)
        return;
    m_held = held;
    if (!held) {
        const qint64 deadline = m_clock() + qMax(0, releaseGraceMs);
        for (auto it = m_grace.begin(); it != m_grace.end(); ++it) {
            it.value() = qMax(it.value(), deadline);
            const int row = rowOf(it.key());
            if (row >= 0)
                m_rows[row].graceDeadline = it.value();
        }
    }
    armTimer();
}

void UserModel::processTimers()
{
    revealAll();
    if (m_held)
        return;
    const qint64 now = m_clock();
    QStringList due;
    for (auto it = m_grace.cbegin(); it != m_grace.cend(); ++it) {
        if (it.value() <= now)
            due.append(it.key());
    }
    for (const QString &key : std::as_const(due)) {
        const int row = rowOf(key);
        if (row >= 0 && m_rows.at(row).inGrace && m_rows.at(row).devices.isEmpty())
            removeRow(row);
        m_grace.remove(key);
    }
    armTimer();
}

void UserModel::armTimer()
{
    if (m_grace.isEmpty() || m_held) {
        m_graceTimer.stop();
        return;
    }
    qint64 next = std::numeric_limits<qint64>::max();
    for (qint64 deadline : std::as_const(m_grace))
        next = qMin(next, deadline);
    m_graceTimer.start(int(qBound(qint64(0), next - m_clock(), qint64(std::numeric_limits<int>::max()))));
}

} // namespace Hallway
