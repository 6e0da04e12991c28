// Generation settings in a drawer from the right. Every change is written straight to
// `settings`; context size and threads (which reload the model) are written after a short pause.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import "."

Drawer {
    id: page
    objectName: "settingsPage"
    edge: Qt.RightEdge
    width: Math.min(430, parent ? parent.width * 0.9 : 430)
    height: parent ? parent.height : 600
    dragMargin: 0
    modal: true
    focus: true
    padding: 0

    onClosed: promptTimer.flush()

    background: Rectangle {
        color: Theme.surface
        Rectangle { width: 1; height: parent.height; color: Theme.border }
    }

    Timer { id: promptTimer; interval: 600; function flush() { if (running) { stop(); triggered() } }
            onTriggered: settings.systemPrompt = promptEdit.text }
    Timer { id: ctxTimer; interval: 800; onTriggered: settings.contextSize = ctxSpin.value }
    Timer { id: threadsTimer; interval: 800; onTriggered: settings.threads = threadsSpin.value }

    component NumberBox: SpinBox {
        editable: true
        Layout.fillWidth: true
        textFromValue: (v, locale) => v.toString()
        valueFromText: (t, locale) => { const n = parseInt(t); return isNaN(n) ? value : n }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        RowLayout {
            Layout.fillWidth: true
            Layout.margins: 16
            Layout.leftMargin: 24
            Label {
                Layout.fillWidth: true
                text: qsTr("Settings")
                font.pixelSize: Theme.fontTitle
                font.bold: true
                color: Theme.text
            }
            TButton { text: "✕"; subtle: true; tip: qsTr("Close (Esc)"); onClicked: page.close() }
        }
        Rectangle { Layout.fillWidth: true; height: 1; color: Theme.border }

        ScrollView {
            id: scroll
            Layout.fillWidth: true
            Layout.fillHeight: true
            contentWidth: availableWidth
            clip: true

            ColumnLayout {
                width: scroll.availableWidth - 48
                x: 24
                spacing: 18

                Item { height: 2 }

                SettingField {
                    label: qsTr("System prompt")
                    hint: chat.completionMode
                          ? qsTr("Ignored in completion mode: the current model has no chat template and just continues your text.")
                          : qsTr("Instructions the model sees before every conversation. Ignored in completion mode.")
                    Rectangle {
                        Layout.fillWidth: true
                        Layout.preferredHeight: 96
                        radius: Theme.radius
                        border.color: promptEdit.activeFocus ? Theme.accent : Theme.border
                        color: Theme.surface
                        ScrollView {
                            anchors.fill: parent
                            anchors.margins: 2
                            TextArea {
                                id: promptEdit
                                objectName: "systemPromptField"
                                // Not bound: a binding would overwrite what is being typed
                                // whenever any other setting changes.
                                Component.onCompleted: text = settings.systemPrompt
                                Connections {
                                    target: settings
                                    function onChanged() {
                                        if (!promptEdit.activeFocus && promptEdit.text !== settings.systemPrompt)
                                            promptEdit.text = settings.systemPrompt
                                    }
                                }
                                wrapMode: TextEdit.Wrap
                                selectByMouse: true
                                color: Theme.text
                                placeholderText: qsTr("You are a helpful assistant.")
                                placeholderTextColor: Theme.textFaint
                                background: null
                                onTextChanged: if (activeFocus) promptTimer.restart()
                            }
                        }
                    }
                }

                SettingField {
                    label: qsTr("Chat template")
                    visible: settings.detectedChatTemplate !== ""
                    hint: settings.chatTemplate === ""
                          ? qsTr("How conversations with this model become a prompt. Automatic uses the format its file declares (%1).").arg(settings.detectedChatTemplate)
                          : qsTr("Overridden for this model only. \"completion\" continues text without chat turns.")
                    ComboBox {
                        id: templateBox
                        objectName: "chatTemplateCombo"
                        Layout.preferredWidth: 280
                        // Entry 0 is "Automatic"; the rest are the family names.
                        model: [qsTr("Automatic (%1)").arg(settings.detectedChatTemplate)].concat(settings.chatTemplateNames)
                        currentIndex: settings.chatTemplate === "" ? 0 : settings.chatTemplateNames.indexOf(settings.chatTemplate) + 1
                        onActivated: (index) => settings.chatTemplate = index === 0 ? "" : settings.chatTemplateNames[index - 1]
                    }
                }

                SettingField {
                    label: qsTr("Temperature")
                    value: settings.temperature.toFixed(2)
                    hint: qsTr("Higher is more varied, lower more predictable; 0 always picks the most likely word.")
                    TSlider {
                        objectName: "temperatureSlider"
                        from: 0; to: 2; stepSize: 0.05
                        value: settings.temperature
                        onMoved: settings.temperature = value
                    }
                }

                SettingField {
                    label: qsTr("Top-k")
                    hint: qsTr("Sample only from the k most likely tokens; 0 turns it off.")
                    NumberBox {
                        objectName: "topKField"
                        from: 0; to: 1000
                        value: settings.topK
                        onValueModified: settings.topK = value
                    }
                }

                SettingField {
                    label: qsTr("Top-p")
                    value: settings.topP.toFixed(2)
                    hint: qsTr("Sample from the smallest set of tokens whose probabilities add up to p; 1 turns it off.")
                    TSlider {
                        from: 0; to: 1; stepSize: 0.01
                        value: settings.topP
                        onMoved: settings.topP = value
                    }
                }

                SettingField {
                    label: qsTr("Min-p")
                    value: settings.minP.toFixed(2)
                    hint: qsTr("Drop tokens less likely than min-p × the most likely one; 0 turns it off.")
                    TSlider {
                        from: 0; to: 0.5; stepSize: 0.01
                        value: settings.minP
                        onMoved: settings.minP = value
                    }
                }

                SettingField {
                    label: qsTr("Repetition penalty")
                    value: settings.repeatPenalty.toFixed(2)
                    hint: qsTr("Above 1 discourages repeating recent tokens; 1 turns it off.")
                    TSlider {
                        from: 0.5; to: 2; stepSize: 0.05
                        value: settings.repeatPenalty
                        onMoved: settings.repeatPenalty = value
                    }
                }

                SettingField {
                    label: qsTr("Seed")
                    hint: qsTr("A fixed seed gives the same answer to the same conversation and settings.")
                    CheckBox {
                        id: randomSeed
                        text: qsTr("Random for every answer")
                        checked: settings.seed < 0
                        onToggled: settings.seed = checked ? -1 : seedSpin.value
                    }
                    NumberBox {
                        id: seedSpin
                        objectName: "seedField"
                        enabled: settings.seed >= 0
                        from: 0; to: 2147483647
                        value: settings.seed >= 0 ? settings.seed : 42
                        onValueModified: settings.seed = value
                    }
                }

                SettingField {
                    label: qsTr("Context size")
                    hint: qsTr("Tokens of conversation the model can see. Changing it reloads the model.")
                    CheckBox {
                        text: qsTr("Model default (%1 tokens)").arg(settings.modelContextDefault)
                        checked: settings.contextSize === 0
                        onToggled: settings.contextSize = checked ? 0 : ctxSpin.value
                    }
                    NumberBox {
                        id: ctxSpin
                        objectName: "contextSizeField"
                        enabled: settings.contextSize > 0
                        from: 128; to: 131072; stepSize: 256
                        value: settings.contextSize > 0 ? settings.contextSize : settings.modelContextDefault
                        onValueModified: ctxTimer.restart()
                    }
                }

                SettingField {
                    label: qsTr("Threads")
                    hint: qsTr("CPU threads used for generation. Changing it reloads the model.")
                    CheckBox {
                        text: qsTr("All cores")
                        checked: settings.threads === 0
                        onToggled: settings.threads = checked ? 0 : threadsSpin.value
                    }
                    NumberBox {
                        id: threadsSpin
                        objectName: "threadsField"
                        enabled: settings.threads > 0
                        from: 1; to: gui.hardwareThreads
                        value: settings.threads > 0 ? settings.threads : gui.hardwareThreads
                        onValueModified: threadsTimer.restart()
                    }
                }

                SettingField {
                    label: qsTr("Max tokens per answer")
                    hint: qsTr("The answer stops after this many tokens.")
                    NumberBox {
                        objectName: "maxTokensField"
                        from: 1; to: 131072; stepSize: 64
                        value: settings.maxTokens
                        onValueModified: settings.maxTokens = value
                    }
                }

                SettingField {
                    label: qsTr("Backend")
                    hint: qsTr("Where the model runs. Vulkan uses the GPU; Automatic picks a discrete or integrated GPU when the model fits and the CPU otherwise. When Vulkan cannot run, the CPU does and the chat says why.")
                    Flow {
                        Layout.fillWidth: true
                        spacing: 12
                        RadioButton {
                            objectName: "backendCpu"
                            text: qsTr("CPU")
                            checked: settings.backend === "cpu"
                            onToggled: if (checked) settings.backend = "cpu"
                        }
                        RadioButton {
                            objectName: "backendVulkan"
                            text: qsTr("Vulkan (GPU)")
                            checked: settings.backend === "vulkan"
                            onToggled: if (checked) settings.backend = "vulkan"
                        }
                        RadioButton {
                            objectName: "backendAuto"
                            text: qsTr("Automatic")
                            checked: settings.backend === "auto"
                            onToggled: if (checked) settings.backend = "auto"
                        }
                    }
                    Label {
                        objectName: "backendInUse"
                        Layout.fillWidth: true
                        visible: chat.backendDescription !== ""
                        text: qsTr("Now running on: %1").arg(chat.backendDescription)
                        font.pixelSize: Theme.fontSmall
                        color: Theme.textMuted
                        wrapMode: Text.Wrap
                    }
                }

                SettingField {
                    label: qsTr("KV cache")
                    hint: qsTr("How the context is kept in memory. F16 halves its size (and what each new token reads) at a small cost in precision; F32 is exact.")
                    Flow {
                        Layout.fillWidth: true
                        spacing: 12
                        RadioButton {
                            objectName: "kvCacheF16"
                            text: qsTr("F16")
                            checked: settings.kvCacheType === "f16"
                            onToggled: if (checked) settings.kvCacheType = "f16"
                        }
                        RadioButton {
                            objectName: "kvCacheF32"
                            text: qsTr("F32")
                            checked: settings.kvCacheType === "f32"
                            onToggled: if (checked) settings.kvCacheType = "f32"
                        }
                    }
                }

                Item { height: 8 }
            }
        }

        Rectangle { Layout.fillWidth: true; height: 1; color: Theme.border }
        RowLayout {
            Layout.fillWidth: true
            Layout.margins: 16
            Layout.leftMargin: 24
            Label {
                Layout.fillWidth: true
                text: qsTr("Changes are saved as you make them.")
                font.pixelSize: Theme.fontSmall
                color: Theme.textMuted
                wrapMode: Text.Wrap
            }
            TButton {
                objectName: "aboutButton"
                text: qsTr("About")
                tip: qsTr("Version, backends and CPU features")
                onClicked: aboutDialog.open()
            }
            TButton {
                objectName: "resetSettingsButton"
                text: qsTr("Reset to defaults")
                onClicked: {
                    promptTimer.stop(); ctxTimer.stop(); threadsTimer.stop()
                    settings.resetToDefaults()
                    promptEdit.text = settings.systemPrompt
                }
            }
        }
    }

    AboutDialog { id: aboutDialog }
}
