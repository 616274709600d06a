#pragma once
// Where a sign-in token comes from when it is not typed in: a file (--token-file) or an
// environment variable (--token-env). Never from a command-line value, which any user can
// read in the process list. Errors and warnings never quote the token.
#include <QString>

namespace Hallway {

struct TokenSource {
    QString token;   // trimmed; empty on error
    QString error;   // a sentence for people when no token could be read
    QString warning; // e.g. the file is readable by other users; the token is still used

    bool ok() const { return error.isEmpty(); }

    // The first line of path, trimmed. Refuses a missing, empty or oversized file and one whose
    // token contains white space; warns when group or others may read the file.
    static TokenSource fromFile(const QString &path);
    // The value of the environment variable name, trimmed, with the same checks.
    static TokenSource fromEnvironment(const QString &name);
    // The checks shared by both (and by the connect page): an empty string or a sentence.
    static QString check(const QString &token);

    static constexpr qint64 kMaxBytes = 16 * 1024;
};

} // namespace Hallway
