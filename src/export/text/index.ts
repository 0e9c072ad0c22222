/** Plain text for a mailing list: see ./README.md. */
export { compareScenarioText, compareStepText, mapsText, scenarioText, stepText, MAX_TEXT_STEPS, type TextOptions, type TextRun } from './step-text'
export { mapsLine, kernelName, mapsOffset, mapsDevInode, NOT_SIMULATED } from './maps'
export { TEXT_COLUMNS, toAscii } from './ascii'
