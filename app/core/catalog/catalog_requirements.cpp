#include "catalog/catalog_requirements.h"

#include "tern/capabilities.h"

#include <QFile>

#include <unistd.h>

namespace tern::app {

EngineSupport EngineSupport::engine() {
    EngineSupport s;
    s.type = [](const QString& n) { return tern::is_type_supported(n.toStdString()); };
    s.architecture = [](const QString& n) { return tern::is_architecture_supported(n.toStdString()); };
    s.tokenizer = [](const QString& n) { return tern::is_tokenizer_supported(n.toStdString()); };
    return s;
}

namespace {

// "A", "A and B", "A, B and C".
QString listInWords(const QStringList& items) {
    if (items.size() <= 1) return items.value(0);
    return QStringList(items.mid(0, items.size() - 1)).join(QStringLiteral(", ")) + QStringLiteral(" and ") + items.last();
}

QString tokenizerInWords(const QString& model) {
    if (model == QLatin1String("gpt2")) return QStringLiteral("gpt2 (BPE)");
    if (model == QLatin1String("llama")) return QStringLiteral("llama (SentencePiece)");
    return model;
}

}  // namespace

QString unsupportedReason(const CatalogEntry& entry, const EngineSupport& support) {
    QStringList parts;
    QStringList missingTypes;
    for (const QString& t : entry.types)
        if (!support.type(t) && !missingTypes.contains(t)) missingTypes << t;
    if (!missingTypes.isEmpty()) parts << QStringLiteral("needs %1 support").arg(listInWords(missingTypes));
    if (!support.architecture(entry.architecture))
        parts << QStringLiteral("needs the %1 architecture").arg(entry.architecture);
    if (!entry.tokenizer.isEmpty() && !support.tokenizer(entry.tokenizer))
        parts << QStringLiteral("needs the %1 tokenizer").arg(tokenizerInWords(entry.tokenizer));
    return parts.join(QStringLiteral("; "));
}

qint64 totalPhysicalRamBytes() {
    QFile f(QStringLiteral("/proc/meminfo"));
    if (f.open(QIODevice::ReadOnly | QIODevice::Text)) {
        // "MemTotal:       24567890 kB"
        while (!f.atEnd()) {
            const QByteArray line = f.readLine();
            if (!line.startsWith("MemTotal:")) continue;
            const QList<QByteArray> fields = line.mid(9).simplified().split(' ');
            bool ok = false;
            const qint64 kib = fields.value(0).toLongLong(&ok);
            if (ok && kib > 0) return kib * 1024;
            break;
        }
    }
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long pageSize = sysconf(_SC_PAGE_SIZE);
    if (pages > 0 && pageSize > 0) return qint64(pages) * qint64(pageSize);
    return 0;
}

}  // namespace tern::app
