#pragma once
// Reply: the pending result of one client call. Usable from C++ (then() with callbacks) and
// from QML (finished/failed signals, or then(okFunction, errFunction)). Owned by the client
// that created it; it deletes itself (deleteLater) once it has finished and emitted.
#include "presencetypes.h"

#include <QJSValue>
#include <QJsonValue>
#include <QObject>
#include <QPointer>
#include <QVariant>
#include <QtQml/qqmlregistration.h>
#include <functional>

namespace Hallway {

class Reply : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Replies are returned by PresenceClient calls")
    Q_PROPERTY(bool done READ isDone NOTIFY doneChanged)
    Q_PROPERTY(bool ok READ isOk NOTIFY doneChanged)
    Q_PROPERTY(QVariant result READ resultVariant NOTIFY doneChanged)
    Q_PROPERTY(QString errorCode READ errorCode NOTIFY doneChanged)
    Q_PROPERTY(QString errorMessage READ errorMessage NOTIFY doneChanged)

public:
    using OkFn = std::function<void(const QJsonValue &)>;
    using ErrFn = std::function<void(const RtError &)>;

    explicit Reply(QObject *parent = nullptr);

    bool isDone() const { return m_done; }
    bool isOk() const { return m_done && m_error.isNull(); }
    QJsonValue result() const { return m_result; }
    QVariant resultVariant() const { return m_result.toVariant(); }
    RtError error() const { return m_error; }
    QString errorCode() const { return m_error.code; }
    QString errorMessage() const { return m_error.message; }

    // C++: callbacks run once; if the reply is already done they run on the next event loop
    // turn. The context object guards the callbacks' lifetime.
    Reply *then(QObject *context, OkFn ok, ErrFn err = {});
    // QML: reply.then(function(result) {...}, function(error) { error.code, error.message })
    Q_INVOKABLE void then(const QJSValue &ok, const QJSValue &err = QJSValue());

    // Called by the client.
    void resolve(const QJsonValue &result);
    void reject(const RtError &error);

Q_SIGNALS:
    void finished(const QVariant &result);
    void failed(const QString &code, const QString &message);
    void doneChanged();

private:
    struct Callback { QPointer<QObject> context; bool hasContext = false; OkFn ok; ErrFn err; };
    void deliver(const Callback &cb);
    void deliverJs(const QJSValue &ok, const QJSValue &err);
    void settle();

    bool m_done = false;
    bool m_settling = false;  // resolved or rejected; signals go out on the next turn
    QJsonValue m_result;
    RtError m_error;
    QList<Callback> m_callbacks;
    QList<QPair<QJSValue, QJSValue>> m_jsCallbacks;
};

} // namespace Hallway
