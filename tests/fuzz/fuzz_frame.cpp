// libFuzzer target: the frame codec and the Connection's frame dispatch. Each input is one
// frame as the server would send it (text or binary). It is parsed (Frame::parse must never
// crash and must be deterministic), re-encoded and parsed again (a parsed frame round-trips),
// and fed to a Connection that has a connection id and requests in flight, so replies,
// pushes, assign-id, ping/latency and error payloads all run through the real dispatch.
#include "connection.h"
#include "frame.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <cstdint>
#include <cstdlib>

using namespace Hallway;

namespace {
QCoreApplication *app = nullptr;

void check(bool condition)
{
    if (!condition)
        std::abort(); // a broken invariant is a finding
}
} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    qputenv("QT_LOGGING_RULES", "*.debug=false;*.info=false;*.warning=false");
    app = new QCoreApplication(*argc, *argv);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));

    const Frame::ParseResult first = Frame::parse(bytes);
    const Frame::ParseResult again = Frame::parse(bytes);
    check(first.ok == again.ok && first.error == again.error);
    if (first.ok) {
        const Frame &f = first.frame;
        check(f.hasId() || !f.command.isEmpty());
        check(f.hasId() == !f.idKey().isEmpty());
        const RtError error = Frame::errorFromPayload(f.payload);
        check(error.isNull() != Frame::isErrorPayload(f.payload));
        const QByteArray push = Frame::encodePush(f.command.isEmpty() ? QStringLiteral("x") : f.command, f.payload);
        const Frame::ParseResult round = Frame::parse(push);
        check(round.ok && !round.frame.hasId());
        check(round.frame.command == (f.command.isEmpty() ? QStringLiteral("x") : f.command));
        const QByteArray request = Frame::encodeRequest(7, f.command.isEmpty() ? QStringLiteral("x") : f.command, f.payload);
        const Frame::ParseResult req = Frame::parse(request);
        check(req.ok && req.frame.idKey() == Frame::idKey(7));
    } else {
        check(!first.error.isEmpty());
    }

    // The dispatch: a session with an id and three requests in flight (ids 1..3).
    ConnectionOptions options;
    options.maxFrameBytes = 64 * 1024;
    Connection connection(options);
    int settled = 0;
    connection.processIncoming(R"({"command":"rt/assign-id","payload":"fuzz-1"})");
    for (int i = 0; i < 3; ++i)
        connection.request(QStringLiteral("rt/noop"), QJsonObject(),
                           [&settled](const QJsonValue &, const RtError &) { ++settled; });
    connection.processIncoming(bytes);
    // Inputs holding several frames (one per line) exercise sequences, e.g. a reply twice.
    if (bytes.contains('\n'))
        for (const QByteArray &line : bytes.split('\n'))
            connection.processIncoming(line);
    check(settled <= 3);
    check(connection.pendingCount() + settled <= 3);
    return 0;
}
