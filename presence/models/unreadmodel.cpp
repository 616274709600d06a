#include "unreadmodel.h"

#include "logging.h"
#include "messagemodel.h"
#include "presenceclient.h"
#include "room.h"
#include "roomlistmodel.h"
#include "session.h"

#include <QDateTime>
#include <QSettings>
#include <QUrl>

namespace Hallway {

// ---- ReadMarks --------------------------------------------------------------------------

QString ReadMarks::key(const QString &server, const QString &room)
{
    // Percent-encoded so a URL's or room's '/' cannot make a deeper group.
    return QStringLiteral("readMarks/%1/%2")
        .arg(QString::fromLatin1(QUrl::toPercentEncoding(server)),
             QString::fromLatin1(QUrl::toPercentEncoding(room)));
}

ReadMarks::Mark ReadMarks::load(const QString &server, const QString &room)
{
    QSettings settings;
    const QString k = key(server, room);
    Mark mark;
    mark.id = settings.value(k + QStringLiteral("/id")).toString();
    mark.tsMs = settings.value(k + QStringLiteral("/ts"), -1).toLongLong();
    return mark;
}

void ReadMarks::save(const QString &server, const QString &room, const Mark &mark)
{
    QSettings settings;
    const QString k = key(server, room);
    settings.setValue(k + QStringLiteral("/id"), mark.id);
    settings.setValue(k + QStringLiteral("/ts"), mark.tsMs);
}

// ---- UnreadModel ------------------------------------------------------------------------

UnreadModel::UnreadModel(QObject *parent)
    : QIdentityProxyModel(parent)
{
    connect(this, &QAbstractItemModel::rowsInserted, this, &UnreadModel::countChanged);
    connect(this, &QAbstractItemModel::rowsRemoved, this, &UnreadModel::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &UnreadModel::countChanged);
}

UnreadModel::~UnreadModel() = default;

void UnreadModel::setSession(Session *session)
{
    if (m_session == session)
        return;
    if (m_session) {
        disconnect(m_session, nullptr, this, nullptr);
        disconnect(m_session->client(), nullptr, this, nullptr);
    }
    m_session = session;
    if (session) {
        auto self = [this] { setSelf(m_session->selfUserId(), m_session->selfName()); };
        connect(session, &Session::selfChanged, this, self);
        self();
        PresenceClient *client = session->client();
        auto server = [this, client] { setServer(client->url().toString(QUrl::RemoveUserInfo)); };
        connect(client, &PresenceClient::urlChanged, this, server);
        server();
        // Connected after the Session's own handler, so the row is in the room's model by now.
        connect(client, &PresenceClient::channelMessage, this,
                [this](const QString &channel, const QJsonValue &message) {
                    if (Session::isChatChannel(channel))
                        noteLiveMessage(Session::chatRoomOf(channel), message);
                });
    }
    setRoomList(session ? session->rooms() : nullptr);
    Q_EMIT sessionChanged();
}

void UnreadModel::setRoomList(RoomListModel *rooms)
{
    if (m_rooms == rooms && sourceModel() == rooms)
        return;
    if (m_rooms)
        disconnect(m_rooms, nullptr, this, nullptr);
    for (auto it = m_states.begin(); it != m_states.end(); ++it) {
        if (it->room)
            disconnect(it->room->messages(), nullptr, this, nullptr);
    }
    m_states.clear();
    m_rooms = rooms;
    setSourceModel(rooms);
    if (rooms) {
        connect(rooms, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &, int first, int last) {
            for (int row = first; row <= last; ++row)
                attach(m_rooms->index(row, 0).data(RoomListModel::RoomRole).value<Room *>());
            updateTotals();
        });
        connect(rooms, &QAbstractItemModel::rowsAboutToBeRemoved, this,
                [this](const QModelIndex &, int first, int last) {
                    for (int row = first; row <= last; ++row)
                        detach(m_rooms->index(row, 0).data(RoomListModel::NameRole).toString());
                });
        connect(rooms, &QAbstractItemModel::rowsRemoved, this, &UnreadModel::updateTotals);
        for (Room *room : rooms->rooms())
            attach(room);
    }
    updateTotals();
}

void UnreadModel::setSelf(const QString &userId, const QString &name)
{
    if (userId == m_selfUserId && name == m_selfName)
        return;
    m_selfUserId = userId;
    m_selfName = name;
    // The name as a whole word: not inside a longer word, whatever characters it has.
    m_nameRe = name.trimmed().isEmpty()
        ? QRegularExpression()
        : QRegularExpression(QStringLiteral("(?<![\\w])%1(?![\\w])").arg(QRegularExpression::escape(name.trimmed())),
                             QRegularExpression::CaseInsensitiveOption
                                 | QRegularExpression::UseUnicodePropertiesOption);
    const QStringList names = m_states.keys();
    for (const QString &room : names)
        recount(room);
}

void UnreadModel::setServer(const QString &server)
{
    if (server == m_server)
        return;
    m_server = server;
    const QStringList names = m_states.keys();
    for (const QString &room : names) {
        loadMark(m_states[room], room);
        recount(room);
    }
}

void UnreadModel::setPersistent(bool persistent)
{
    if (persistent == m_persistent)
        return;
    m_persistent = persistent;
    Q_EMIT persistentChanged();
}

void UnreadModel::setCurrentRoom(const QString &name)
{
    if (name == m_current)
        return;
    m_current = name;
    Q_EMIT currentRoomChanged();
    if (m_active && !name.isEmpty())
        markRead(name);
}

void UnreadModel::setActive(bool active)
{
    if (active == m_active)
        return;
    m_active = active;
    Q_EMIT activeChanged();
    if (active && !m_current.isEmpty())
        markRead(m_current);
}

QHash<int, QByteArray> UnreadModel::roleNames() const
{
    QHash<int, QByteArray> names = QIdentityProxyModel::roleNames();
    names.insert(UnreadRole, "unread");
    names.insert(MentionsRole, "mentions");
    return names;
}

QVariant UnreadModel::data(const QModelIndex &index, int role) const
{
    if (role != UnreadRole && role != MentionsRole)
        return QIdentityProxyModel::data(index, role);
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QString name = QIdentityProxyModel::data(index, RoomListModel::NameRole).toString();
    const auto it = m_states.constFind(name);
    if (it == m_states.cend())
        return 0;
    return role == UnreadRole ? it->unread : it->mentions;
}

int UnreadModel::unreadCount(const QString &room) const
{
    return m_states.value(room).unread;
}

int UnreadModel::mentionCount(const QString &room) const
{
    return m_states.value(room).mentions;
}

QString UnreadModel::lastReadId(const QString &room) const
{
    return m_states.value(room).lastReadId;
}

bool UnreadModel::mentionsUs(const QString &text) const
{
    if (!m_selfUserId.isEmpty() && text.contains(QLatin1Char('@') + m_selfUserId, Qt::CaseInsensitive))
        return true;
    return m_nameRe.isValid() && !m_nameRe.pattern().isEmpty() && m_nameRe.match(text).hasMatch();
}

void UnreadModel::attach(Room *room)
{
    if (!room)
        return;
    const QString name = room->name();
    State &state = m_states[name];
    state.room = room;
    loadMark(state, name);
    MessageModel *messages = room->messages();
    connect(messages, &QAbstractItemModel::rowsInserted, this,
            [this, name](const QModelIndex &, int first, int last) { rowsAdded(name, first, last); });
    connect(messages, &QAbstractItemModel::modelReset, this, [this, name] { recount(name); });
    recount(name);
}

void UnreadModel::detach(const QString &name)
{
    const State state = m_states.take(name);
    if (state.room)
        disconnect(state.room->messages(), nullptr, this, nullptr);
}

void UnreadModel::loadMark(State &state, const QString &name)
{
    const ReadMarks::Mark mark = m_persistent ? ReadMarks::load(m_server, name) : ReadMarks::Mark();
    state.lastReadId = mark.id;
    state.lastReadTs = mark.tsMs;
    state.hasMark = true;
    // A room met for the first time: its history is old news, what comes from now on is not.
    if (!mark.isValid())
        state.lastReadTs = QDateTime::currentMSecsSinceEpoch();
}

bool UnreadModel::counts(const State &state, int row, bool *mention) const
{
    const MessageModel::Message &m = state.room->messages()->at(row);
    if (m.kind != QLatin1String("message") || m.own || m.local || m.messageId.isEmpty()
        || (!m_selfUserId.isEmpty() && m.senderId == m_selfUserId))
        return false;
    *mention = mentionsUs(m.text);
    return true;
}

void UnreadModel::rowsAdded(const QString &name, int first, int last)
{
    auto it = m_states.find(name);
    if (it == m_states.end() || !it->room)
        return;
    if (isReading(name)) {
        markRead(name);
        return;
    }
    const MessageModel *messages = it->room->messages();
    const int markRow = it->lastReadId.isEmpty() ? -1 : messages->rowOfMessage(it->lastReadId);
    const bool appended = last == messages->count() - 1;
    if (!appended || (markRow < 0 && it->lastReadTs < 0) || markRow >= first) {
        recount(name);
        return;
    }
    int unread = it->unread, mentions = it->mentions;
    for (int row = first; row <= last; ++row) {
        bool mention = false;
        if ((markRow >= 0 || messages->at(row).tsMs > it->lastReadTs) && counts(*it, row, &mention)) {
            ++unread;
            mentions += mention ? 1 : 0;
        }
    }
    setCounts(name, unread, mentions);
}

void UnreadModel::recount(const QString &name)
{
    auto it = m_states.find(name);
    if (it == m_states.end() || !it->room)
        return;
    const MessageModel *messages = it->room->messages();
    int start = 0;
    bool byTime = true;
    if (!it->lastReadId.isEmpty()) {
        const int markRow = messages->rowOfMessage(it->lastReadId);
        if (markRow >= 0) {
            start = markRow + 1;
            byTime = false;
        }
    }
    int unread = 0, mentions = 0;
    if (it->hasMark) {
        for (int row = start; row < messages->count(); ++row) {
            bool mention = false;
            if ((!byTime || messages->at(row).tsMs > it->lastReadTs) && counts(*it, row, &mention)) {
                ++unread;
                mentions += mention ? 1 : 0;
            }
        }
    }
    setCounts(name, unread, mentions);
}

void UnreadModel::setCounts(const QString &name, int unread, int mentions)
{
    State &state = m_states[name];
    QList<int> roles;
    if (state.unread != unread)
        roles.append(UnreadRole);
    if (state.mentions != mentions)
        roles.append(MentionsRole);
    state.unread = unread;
    state.mentions = mentions;
    if (roles.isEmpty())
        return;
    const int row = m_rooms ? m_rooms->indexOf(name) : -1;
    if (row >= 0) {
        const QModelIndex idx = index(row, 0);
        Q_EMIT dataChanged(idx, idx, roles);
    }
    updateTotals();
}

void UnreadModel::markRead(const QString &name)
{
    auto it = m_states.find(name);
    if (it == m_states.end() || !it->room)
        return;
    const MessageModel *messages = it->room->messages();
    ReadMarks::Mark mark{it->lastReadId, it->lastReadTs};
    for (int row = messages->count() - 1; row >= 0; --row) {
        const MessageModel::Message &m = messages->at(row);
        if (m.kind == QLatin1String("message") && !m.messageId.isEmpty() && !m.pending && !m.failed) {
            mark = {m.messageId, m.tsMs};
            break;
        }
    }
    const bool wasUnread = it->unread > 0;
    const bool moved = mark.id != it->lastReadId || mark.tsMs != it->lastReadTs || !it->hasMark;
    it->lastReadId = mark.id;
    it->lastReadTs = mark.tsMs;
    it->hasMark = true;
    if (moved && m_persistent && !m_server.isEmpty())
        ReadMarks::save(m_server, name, mark);
    setCounts(name, 0, 0);
    if (wasUnread || moved)
        Q_EMIT roomRead(name);
}

void UnreadModel::noteLiveMessage(const QString &room, const QJsonValue &message)
{
    MessageModel::Message parsed;
    if (!MessageModel::parse(message, &parsed) || isReading(room))
        return;
    const auto it = m_states.constFind(room);
    if (it == m_states.cend() || !it->room || it->unread == 0)
        return;
    const int row = it->room->messages()->rowOfMessage(parsed.messageId);
    bool mention = false;
    if (row < 0 || !counts(*it, row, &mention) || it->room->messages()->at(row).tsMs <= it->lastReadTs)
        return;
    const MessageModel::Message &m = it->room->messages()->at(row);
    Q_EMIT messageArrived(room, m.senderName, m.text, mention);
}

void UnreadModel::updateTotals()
{
    int unread = 0, mentions = 0;
    for (const State &state : std::as_const(m_states)) {
        unread += state.unread;
        mentions += state.mentions;
    }
    if (unread == m_totalUnread && mentions == m_totalMentions)
        return;
    m_totalUnread = unread;
    m_totalMentions = mentions;
    Q_EMIT totalsChanged();
}

} // namespace Hallway
