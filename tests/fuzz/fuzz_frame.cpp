// libFuzzer target: the frame codec and the Connection's frame dispatch. Each input is one
// frame as the server would send it (text or binary). It is parsed (Frame::parse must never
// crash and must be deterministic), re-encoded and parsed again (a parsed frame round-trips),
// and fed to a Connection that has a connection id and three requests on the wire (its frame
// sink stands in for the socket), so replies, pushes, assign-id, ping/latency and error
// payloads all run through the real dispatch. Each request must settle at most once, and a
// proper reply afterwards must still settle every request left. The two-thread parse (forced
// on any size) must give the one-thread parse's document or error.
#include "connection.h"
#include "frame.h"
#include "jsonparse.h"

#include <QCoreApplication>
#include <QJsonDocument>
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

    QJsonParseError oneError, twoError;
    const QJsonDocument one = QJsonDocument::fromJson(bytes, &oneError);
    const QJsonDocument two = parseJson(bytes, &twoError, 0);
    check(one == two && oneError.error == twoError.error && oneError.offset == twoError.offset);

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

    // The dispatch: a session with an id and three requests in flight (ids 1..3), their frames
    // taken by the connection's frame sink as a socket would take them, so a reply in the input
    // settles them through the real reply path. Request 2 is SuccessOnly (the unparsed path).
    ConnectionOptions options;
    options.maxFrameBytes = 64 * 1024;
    Connection connection(options);
    QList<QByteArray> sent;
    connection.setFrameSink([&sent](const QByteArray &frame) { sent << frame; });
    connection.processIncoming(R"({"command":"rt/assign-id","payload":"fuzz-1"})");
    check(connection.status() == Connection::Status::Online);
    int settled[4] = {0, 0, 0, 0};
    for (int i = 1; i <= 3; ++i) {
        const qint64 id = connection.request(
            QStringLiteral("rt/noop"), QJsonObject(),
            [&settled, i](const QJsonValue &, const RtError &) { ++settled[i]; },
            i == 2 ? Connection::SuccessOnly : Connection::NoFlags);
        check(id == i);
    }
    check(sent.size() == 3); // on the wire, so replies are matched
    connection.processIncoming(bytes);
    // Inputs holding several frames (one per line) exercise sequences, e.g. a reply twice.
    if (bytes.contains('\n'))
        for (const QByteArray &line : bytes.split('\n'))
            connection.processIncoming(line);
    const int settledByInput = settled[1] + settled[2] + settled[3];
    for (int i = 1; i <= 3; ++i)
        check(settled[i] <= 1); // a reply settles its request once, however often it comes
    check(connection.pendingCount() + settledByInput == 3);

    // Whatever the input did, the reply path still works: a proper reply settles each request
    // still waiting, exactly once.
    for (int i = 1; i <= 3; ++i)
        connection.processIncoming(Frame::encodeRequest(i, QStringLiteral("rt/noop"), QJsonObject{{QStringLiteral("success"), true}})); // a reply has a request's shape
    for (int i = 1; i <= 3; ++i)
        check(settled[i] == 1);
    check(connection.pendingCount() == 0);
    return 0;
}
