#pragma once
// The client layer's QML types, registered in this layer's module (Hallway.Presence): the
// type registrar only registers types of the module's own target, and the client library
// must not depend on the module, so these wrappers name them here (QML_FOREIGN).
#include "presenceclient.h"
#include "reply.h"

#include <QtQml/qqml.h> // QML_FOREIGN needs QQmlPrivate::QmlResolved

namespace Hallway {

struct PresenceClientForeign
{
    Q_GADGET
    QML_FOREIGN(Hallway::PresenceClient)
    QML_NAMED_ELEMENT(PresenceClient)
};

struct ReplyForeign
{
    Q_GADGET
    QML_FOREIGN(Hallway::Reply)
    QML_NAMED_ELEMENT(Reply)
    QML_UNCREATABLE("Replies are returned by PresenceClient calls")
};

} // namespace Hallway
