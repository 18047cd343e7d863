// Every end-to-end test drives the engine (several CLI runs of seconds to minutes on 2 cores).
jest.setTimeout(300_000);
