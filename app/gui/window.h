// Builds the main window: exposes the controllers to QML and loads qrc:/qml/Main.qml.
// Used by main() and by the GUI tests, so both run the same window.
#pragma once

#include <QString>

class QQmlApplicationEngine;
class QQuickWindow;

namespace tern::app {

class AppContext;
class GuiHelpers;

// Returns the window, or nullptr when the QML failed to load (errors are printed by Qt).
QQuickWindow* loadMainWindow(QQmlApplicationEngine& engine, AppContext& ctx, GuiHelpers& helpers);

}  // namespace tern::app
