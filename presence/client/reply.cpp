#include "reply.h"
#include "errorcodes.h"
#include "logging.h"

#include <QJSEngine>
#include <QMetaMethod>
#include <QJsonDocument>
#include <QMetaObject>
#include <QtQml/qqml.h>

namespace Hallway {

Reply::Reply(QObject *parent) : QObject(parent) {}

Reply *Reply::then(QObject *context, OkFn ok, ErrFn err)
{
    Callback cb{QPointer<QObject>(context), context != nullptr, std::move(ok), std::move(err)};
    if (!m_done) {
        m_callbacks.append(cb);
        return this;
    }
    // Already settled: deliver on the next turn with the values copied, because the reply
    // itself may be deleted by then.
    const QJsonValue result = m_result;
    const RtError error = m_error;
    QObject *target = context ? context : static_cast<QObject *>(this);
    QMetaObject::invokeMethod(
        target,
        [cb, result, error] {
            if (cb.hasContext && !cb.context)
                return;
            if (error.isNull()) {
                if (cb.ok)
                    cb.ok(result);
            } else if (cb.err) {
                cb.err(error);
            }
        },
        Qt::QueuedConnection);
    return this;
}

void Reply::then(const QJSValue &ok, const QJSValue &err)
{
    if (!m_done) {
        m_jsCallbacks.append({ok, err});
        return;
    }
    // Already settled (the reply is about to delete itself): answer at once.
    deliverJs(ok, err);
}

void Reply::resolve(const QJsonValue &result)
{
    if (m_done || m_settling)
        return;
    m_settling = true;
    m_result = result;
    // Settle on the next turn so whoever got this reply from a call can attach callbacks first.
    QMetaObject::invokeMethod(this, &Reply::settle, Qt::QueuedConnection);
}

void Reply::reject(const RtError &error)
{
    if (m_done || m_settling)
        return;
    m_settling = true;
    m_error = error.isNull() ? RtError{ErrorCode::Unknown, QStringLiteral("unknown error")} : error;
    QMetaObject::invokeMethod(this, &Reply::settle, Qt::QueuedConnection);
}

void Reply::deliver(const Callback &cb)
{
    if (cb.hasContext && !cb.context)
        return;
    if (m_error.isNull()) {
        if (cb.ok)
            cb.ok(m_result);
    } else if (cb.err) {
        cb.err(m_error);
    }
}

void Reply::deliverJs(const QJSValue &ok, const QJSValue &err)
{
    QJSEngine *engine = qjsEngine(this);
    if (!engine) {
        qCWarning(lcPresence) << "Reply::then from JavaScript without an engine";
        return;
    }
    if (m_error.isNull()) {
        if (ok.isCallable()) {
            const QJSValue r = QJSValue(ok).call({engine->toScriptValue(m_result)});
            if (r.isError())
                qCWarning(lcPresence) << "reply callback threw:" << r.toString();
        }
    } else if (err.isCallable()) {
        QJSValue e = engine->newObject();
        e.setProperty(QStringLiteral("code"), m_error.code);
        e.setProperty(QStringLiteral("message"), m_error.message);
        const QJSValue r = QJSValue(err).call({e});
        if (r.isError())
            qCWarning(lcPresence) << "reply error callback threw:" << r.toString();
    }
}

void Reply::settle()
{
    m_done = true;
    Q_EMIT doneChanged();
    if (m_error.isNull()) {
        // Converting a big result (a 5,000-member snapshot) to QVariant is costly: only for listeners.
        if (isSignalConnected(QMetaMethod::fromSignal(&Reply::finished)))
            Q_EMIT finished(m_result.toVariant());
    } else
        Q_EMIT failed(m_error.code, m_error.message);
    const auto callbacks = std::exchange(m_callbacks, {});
    for (const Callback &cb : callbacks)
        deliver(cb);
    const auto jsCallbacks = std::exchange(m_jsCallbacks, {});
    for (const auto &pair : jsCallbacks)
        deliverJs(pair.first, pair.second);
    deleteLater();
}

} // namespace Hallway
