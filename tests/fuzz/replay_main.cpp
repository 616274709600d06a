// Corpus replay for the normal (gcc) build: runs every file of the committed corpus, and any
// file or directory given on the command line, through the fuzz target's entry point once.
// Cheap enough for every ctest run; the coverage-guided search itself is run-fuzz.sh.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <cstdint>
#include <cstdio>

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv);
extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifndef HALLWAY_FUZZ_CORPUS
#error "HALLWAY_FUZZ_CORPUS must name the corpus directory"
#endif

int main(int argc, char **argv)
{
    LLVMFuzzerInitialize(&argc, &argv);
    QStringList paths;
    for (int i = 1; i < argc; ++i)
        paths << QString::fromLocal8Bit(argv[i]);
    if (paths.isEmpty())
        paths << QStringLiteral(HALLWAY_FUZZ_CORPUS_ROOT "/" HALLWAY_FUZZ_CORPUS);
    int runs = 0;
    for (const QString &path : std::as_const(paths)) {
        QStringList files;
        if (QFileInfo(path).isDir()) {
            for (const QFileInfo &fi : QDir(path).entryInfoList(QDir::Files, QDir::Name))
                files << fi.absoluteFilePath();
        } else {
            files << path;
        }
        for (const QString &file : std::as_const(files)) {
            QFile f(file);
            if (!f.open(QIODevice::ReadOnly)) {
                std::fprintf(stderr, "cannot read %s\n", qPrintable(file));
                return 2;
            }
            const QByteArray data = f.readAll();
            LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(data.constData()), size_t(data.size()));
            ++runs;
        }
    }
    std::printf("replayed %d inputs\n", runs);
    return runs > 0 ? 0 : 1; // an empty corpus is a mistake, not a pass
}
