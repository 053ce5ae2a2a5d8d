import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { useViewStore } from './store/view-store';
import './styles/app.css';
import './styles/people.css';

document.documentElement.dataset.theme = useViewStore.getState().theme;

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
