// The page every unknown address answers (404.html): plain words and the way back.
import { initPage } from "./app.js";
import "./strings/notfound.js";

initPage();
