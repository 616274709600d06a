#pragma once
// MessageModel: the chat of one room (channel chat:<room>) as QML shows it: server messages
// {id, from, name, connectionId, text, ts, clientId?}, our own messages from the moment they
// are sent (pending, then sent or failed, retryable), and join/leave system rows per person.
// Owned by its Room, which feeds it history (oldest first, docs/protocol.md §5.5: asked with a
// historyLimit >= the server's history, the tail is kept), live messages and send results.
// Every message is de-duplicated by its server id, and a message carrying one of our
// clientIds settles our pending/failed row instead of adding a second one, so history replays
// after a reconnect and the echo of our own send never duplicate rows. At most maxRows rows
// are kept (the oldest go first). Text is stored as-is; the UI renders it as plain text.
#include "modeloptions.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QtQml/qqmlregistration.h>

namespace Hallway {

class MessageModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("MessageModel belongs to a Room")
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(QString selfUserId READ selfUserId WRITE setSelfUserId NOTIFY selfUserIdChanged)

public:
    enum Role {
        MessageIdRole = Qt::UserRole + 1, // server id; empty while pending and for system rows
        LocalIdRole,     // stable row id: our clientId for own sends, else the server id
        SenderIdRole,    // userId
        SenderNameRole,
        TextRole,
        TimestampRole,   // QDateTime
        OwnRole,         // bool: sent by our user
        PendingRole,     // bool: sent, no answer yet
        FailedRole,      // bool: the send failed; retry(localId)
        KindRole,        // "message" | "join" | "leave"
        ShowHeaderRole,  // bool: first of a run by one sender within headerRunMs
        ErrorRole,       // the failure's error code, e.g. ETIMEOUT
        HueRole,         // int 0..359 for the sender's avatar: the same as UserModel's hue (identity.h)
        InitialsRole,    // the sender's initials, as UserModel's (identity.h)
        DayRole,         // "yyyy-MM-dd" in local time: the view's date separators (sections)
    };
    Q_ENUM(Role)

    struct Message {
        QString messageId;
        QString localId;
        QString clientId;
        QString senderId;
        QString senderName;
        QString text;
        qint64 tsMs = 0;
        QString kind = QStringLiteral("message");
        QString error;
        bool own = false;
        bool local = false;   // sent from this client
        bool pending = false;
        bool failed = false;
    };

    explicit MessageModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(m_rows.size()); }

    void setMaxRows(int rows) { m_maxRows = qMax(1, rows); }
    int maxRows() const { return m_maxRows; }
    void setHeaderRunMs(int ms) { m_headerRunMs = ms; }
    QString selfUserId() const { return m_selfUserId; }
    void setSelfUserId(const QString &userId);

    const Message &at(int row) const { return m_rows.at(row); }
    int rowOfMessage(const QString &messageId) const;
    int rowOfLocal(const QString &localId) const;
    Q_INVOKABLE QVariantMap get(int row) const;

    // Feeding (Room).
    int addHistory(const QJsonArray &history);        // oldest first; returns rows added
    bool addLive(const QJsonValue &message);          // true if a row was added or settled
    QString addPending(const QString &text, const QString &senderId, const QString &senderName);
    void markSent(const QString &localId, const QJsonObject &result); // {ok, id, ts}
    void markFailed(const QString &localId, const QString &errorCode);
    // A failed row goes back to pending; returns false if localId is not a failed own message.
    bool prepareRetry(const QString &localId, QString *text, QString *clientId);
    QString addSystem(const QString &kind, const QString &userId, const QString &name, qint64 tsMs);

    static bool parse(const QJsonValue &value, Message *out);

Q_SIGNALS:
    void countChanged();
    void selfUserIdChanged();

private:
    QVariant roleData(int row, int role) const;
    bool showHeaderAt(int row) const;
    void ensureIndex() const;
    void indexRow(int row) const;
    void unindexRow(int row);
    void append(const Message &m);
    void insertSorted(const QList<Message> &messages);
    void trim();
    void settle(int row, const Message &from);
    void placeByTime(int row);
    int firstTrailingPending() const;
    void changed(int row, const QList<int> &roles);
    void refreshHeader(int row, bool before);

    QList<Message> m_rows;
    // Lookup tables map to an absolute position (row + m_base), so dropping the oldest rows
    // needs no re-index; an insertion in the middle marks them dirty (rebuilt on next use).
    mutable QHash<QString, qint64> m_byId;
    mutable QHash<QString, qint64> m_byLocal;
    mutable QHash<QString, qint64> m_byClient;
    mutable qint64 m_base = 0;
    mutable bool m_indexDirty = false;
    QString m_selfUserId;
    int m_maxRows;
    int m_headerRunMs;
};

} // namespace Hallway
