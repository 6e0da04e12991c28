// tern: the Qt Quick desktop app. Objects are created here and passed in (no singletons); the
// QML in ../ui only talks to the controllers.
#include "app_context.h"
#include "build_info.h"
#include "gui_helpers.h"
#include "self_test.h"
#include "window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTimer>

#include <cstdio>
#include <exception>
#include <memory>

int main(int argc, char** argv) {
    // --self-test, --help and --version need no display: decide before creating the GUI application.
    bool selfTest = false, headless = false;
    for (int i = 1; i < argc; ++i) {
        const QByteArray a(argv[i]);
        selfTest = selfTest || a == "--self-test";
        headless = headless || a == "--self-test" || a == "--help" || a == "-h" || a == "--version" || a == "-v";
    }
    std::unique_ptr<QCoreApplication> app;
    if (headless) app = std::make_unique<QCoreApplication>(argc, argv);
    // QApplication (widgets), not QGuiApplication: the Stats page's Qt Charts need it.
    else app = std::make_unique<QApplication>(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Tern"));
    QCoreApplication::setApplicationName(QStringLiteral("tern"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TERN_VERSION));
    if (!headless) {  // the installed .desktop entry and icon (installer/); harmless when not installed
        QGuiApplication::setDesktopFileName(QStringLiteral(TERN_APP_ID));
        QGuiApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral(TERN_APP_ID), QIcon(QStringLiteral(":/icons/tern-256.png"))));
    }

    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Tern: offline chat with ternary mixture-of-experts models."));
    p.addHelpOption();
    p.addOption({{"v", "version"}, "Show the version, the enabled backends and this CPU's features."});
    p.addOption({"data-dir", "Keep chats, settings and models in DIR (default: the per-user data folder; "
                             "also $TERN_DATA_DIR).", "DIR"});
    p.addOption({"self-test", "Load the default model, answer one prompt, store it, print it and exit."});
    p.addOption({"prompt", "Prompt for --self-test.", "TEXT", "Once upon a time"});
    p.addOption({"screenshot", "Save a picture of the window to FILE after --screenshot-delay ms, then quit "
                               "(documentation, tests).", "FILE"});
    p.addOption({"screenshot-delay", "Milliseconds before --screenshot.", "MS", "1500"});
    p.process(*app);
    if (p.isSet("version")) {
        std::printf("%s\n", qPrintable(tern::app::buildSummary(QStringLiteral("tern"))));
        return 0;
    }
    const QString dataDir = p.value("data-dir");
    std::unique_ptr<tern::app::AppContext> ctx;
    try {
        if (selfTest) return tern::app::runSelfTest(dataDir, p.value("prompt"));
        ctx = std::make_unique<tern::app::AppContext>(tern::app::AppPaths::resolve(dataDir));
    } catch (const std::exception& e) {  // e.g. a chat database from a newer Tern, a read-only folder
        std::fprintf(stderr, "tern: %s\n", e.what());
        return 1;
    }

    if (qEnvironmentVariableIsEmpty("QT_QUICK_CONTROLS_STYLE")) QQuickStyle::setStyle(QStringLiteral("Basic"));
    tern::app::GuiHelpers helpers;
    QQmlApplicationEngine engine;
    QQuickWindow* window = tern::app::loadMainWindow(engine, *ctx, helpers);
    if (!window) {
        std::fprintf(stderr, "tern: the user interface failed to load\n");
        return 1;
    }
    if (p.isSet("screenshot")) {
        const QString file = p.value("screenshot");
        QTimer::singleShot(p.value("screenshot-delay").toInt(), window, [window, file] {
            const bool ok = window && window->grabWindow().save(file);
            if (!ok) std::fprintf(stderr, "tern: could not save the screenshot to %s\n", qPrintable(file));
            QCoreApplication::exit(ok ? 0 : 1);
        });
    }
    return app->exec();
}
